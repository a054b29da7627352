using System.Net;
using System.Text.Json;
using LearnStream.Api.Tests.Infrastructure;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;

namespace LearnStream.Api.Tests.Catalog;

/// <summary>PUT /courses/{id}/outline: a new order of the same sections and lessons, and nothing else.</summary>
public abstract class CatalogApiOutlineTests(StoreFixture fixture)
{
    private const string Unknown = "00000000-0000-0000-0000-000000000000";

    private readonly HttpClient _client = fixture.App.CreateClient();

    /// <summary>Sections A [a1, a2] and B [b1] in a new draft.</summary>
    private async Task<(string Token, string Id, string A, string A1, string A2, string B, string B1)> TwoSectionsAsync()
    {
        var owner = await _client.NewUserWithRoleAsync("instructor");
        var token = owner.Tokens.AccessToken;
        var id = (await _client.CreateCourseAsync(token, $"Outline {Marker()}")).Str("id");
        var a = (await _client.AddSectionAsync(token, id, "A")).Str("id");
        var b = (await _client.AddSectionAsync(token, id, "B")).Str("id");
        var a1 = (await _client.AddLessonAsync(token, id, a, "a1")).Str("id");
        var a2 = (await _client.AddLessonAsync(token, id, a, "a2")).Str("id");
        var b1 = (await _client.AddLessonAsync(token, id, b, "b1")).Str("id");
        return (token, id, a, a1, a2, b, b1);
    }

    /// <summary>The outline as "sectionId: lessonId, lessonId" lines, in order.</summary>
    private static List<string> Shape(JsonElement course) =>
        [.. course.GetProperty("sections").EnumerateArray()
            .Select(s => Line(s.Str("id"), [.. s.GetProperty("lessons").EnumerateArray().Select(l => l.Str("id"))]))];

    private static string Line(string section, params string[] lessons) => $"{section}: {string.Join(", ", lessons)}";

    [Fact]
    public async Task Put_outline_reorders_sections_and_moves_lessons_between_them()
    {
        var c = await TwoSectionsAsync();
        var before = await _client.GetCourseAsync(c.Token, c.Id);

        using var response = await _client.SendAsync(HttpMethod.Put, $"{Courses}/{c.Id}/outline", c.Token, new
        {
            sections = new[]
            {
                new { id = c.B, lessonIds = new[] { c.A2, c.B1 } },
                new { id = c.A, lessonIds = new[] { c.A1 } },
            },
        });

        var course = await response.JsonAsync(HttpStatusCode.OK);
        List<string> expected = [Line(c.B, c.A2, c.B1), Line(c.A, c.A1)];
        Assert.Equal(expected, Shape(course));
        var stored = await _client.GetCourseAsync(c.Token, c.Id);
        Assert.Equal(expected, Shape(stored));
        Assert.Equal(["B", "A"], stored.GetProperty("sections").EnumerateArray().Select(s => s.Str("title")));
        Assert.Equal("a2", stored.OutlineLessons()[0].Str("title"));
        Assert.True(stored.GetProperty("version").GetInt64() > before.GetProperty("version").GetInt64());
        using var moved = await _client.SendAsync(HttpMethod.Get, $"/api/v1/lessons/{c.A2}", c.Token);
        Assert.Equal(c.B, (await moved.JsonAsync(HttpStatusCode.OK)).Str("sectionId"));
    }

    [Fact]
    public async Task Put_outline_may_leave_a_section_empty()
    {
        var c = await TwoSectionsAsync();

        using var response = await _client.SendAsync(HttpMethod.Put, $"{Courses}/{c.Id}/outline", c.Token, new
        {
            sections = new[]
            {
                new { id = c.A, lessonIds = new[] { c.B1, c.A1, c.A2 } },
                new { id = c.B, lessonIds = Array.Empty<string>() },
            },
        });

        List<string> expected = [Line(c.A, c.B1, c.A1, c.A2), Line(c.B)];
        Assert.Equal(expected, Shape(await response.JsonAsync(HttpStatusCode.OK)));
    }

    [Theory]
    [InlineData("missing lesson")]
    [InlineData("unknown lesson")]
    [InlineData("duplicate lesson in one section")]
    [InlineData("one lesson in two sections")]
    [InlineData("missing section")]
    [InlineData("unknown section")]
    [InlineData("duplicate section")]
    [InlineData("no sections")]
    public async Task Put_outline_that_is_not_a_permutation_is_400_and_changes_nothing(string defect)
    {
        var c = await TwoSectionsAsync();
        var before = await _client.SnapshotAsync(c.Token, c.Id);
        object[] sections = defect switch
        {
            "missing lesson" => [new { id = c.A, lessonIds = new[] { c.A1 } }, new { id = c.B, lessonIds = new[] { c.B1 } }],
            "unknown lesson" => [new { id = c.A, lessonIds = new[] { c.A1, c.A2, Unknown } }, new { id = c.B, lessonIds = new[] { c.B1 } }],
            "duplicate lesson in one section" => [new { id = c.A, lessonIds = new[] { c.A1, c.A2, c.A2 } }, new { id = c.B, lessonIds = new[] { c.B1 } }],
            "one lesson in two sections" => [new { id = c.A, lessonIds = new[] { c.A1, c.A2 } }, new { id = c.B, lessonIds = new[] { c.B1, c.A1 } }],
            "missing section" => [new { id = c.A, lessonIds = new[] { c.A1, c.A2, c.B1 } }],
            "unknown section" => [new { id = c.A, lessonIds = new[] { c.A1, c.A2 } }, new { id = c.B, lessonIds = new[] { c.B1 } }, new { id = Unknown, lessonIds = Array.Empty<string>() }],
            "duplicate section" => [new { id = c.A, lessonIds = new[] { c.A1, c.A2 } }, new { id = c.A, lessonIds = new[] { c.B1 } }],
            "no sections" => [],
            _ => throw new ArgumentOutOfRangeException(nameof(defect)),
        };

        using var response = await _client.SendAsync(HttpMethod.Put, $"{Courses}/{c.Id}/outline", c.Token, new { sections });

        await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(before, await _client.SnapshotAsync(c.Token, c.Id));
    }

    [Fact]
    public async Task Put_outline_without_sections_or_with_null_ids_is_400_and_changes_nothing()
    {
        var c = await TwoSectionsAsync();
        var before = await _client.SnapshotAsync(c.Token, c.Id);

        foreach (var json in new[] { "{}", "{\"sections\": null}", $"{{\"sections\": [{{\"id\": null, \"lessonIds\": []}}, {{\"id\": \"{c.B}\"}}]}}" })
        {
            using var response = await _client.SendAsync(RawJson(HttpMethod.Put, $"{Courses}/{c.Id}/outline", c.Token, json));
            await response.ProblemAsync(HttpStatusCode.BadRequest);
        }
        Assert.Equal(before, await _client.SnapshotAsync(c.Token, c.Id));
    }
}

public sealed class CatalogApiOutlineTests_Sqlite(SqliteFixture fixture) : CatalogApiOutlineTests(fixture), IClassFixture<SqliteFixture>;

public sealed class CatalogApiOutlineTests_Postgres(PostgresRedisFixture fixture) : CatalogApiOutlineTests(fixture), IClassFixture<PostgresRedisFixture>;
