using System.Net;
using LearnStream.Api.Tests.Infrastructure;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;

namespace LearnStream.Api.Tests.Catalog;

/// <summary>Invalid, malformed and mistyped bodies: always a 400 problem, never a 500, and nothing changes.</summary>
public abstract class CatalogApiValidationTests(StoreFixture fixture)
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    private static readonly string LongTitle = new('t', 201);
    private static readonly string LongTag = new('g', 41);
    private static readonly string TooManyTags = "[" + string.Join(",", Enumerable.Range(0, 21).Select(i => $"\"t{i}\"")) + "]";

    /// <summary>Fields of a course body, each with a value the contract refuses, and the error key it must give.</summary>
    public static TheoryData<string, string> InvalidCourseFields => new()
    {
        { "\"title\": \"\"", "title" },
        { "\"title\": \"   \"", "title" },
        { $"\"title\": \"{LongTitle}\"", "title" },
        { "\"slug\": \"Has Spaces\"", "slug" },
        { "\"slug\": \"-leading-hyphen\"", "slug" },
        { "\"slug\": \"double--hyphen\"", "slug" },
        { "\"slug\": \"UPPER\"", "slug" },
        { $"\"tags\": {TooManyTags}", "tags" },
        { $"\"tags\": [\"{LongTag}\"]", "tags" },
        { "\"price\": {\"amount\": -1, \"currency\": \"EUR\"}", "price" },
        { "\"price\": {\"amount\": 100, \"currency\": \"XYZ\"}", "price" },
        { "\"level\": \"expert\"", "level" },
        { "\"coverImageUrl\": \"not a url\"", "coverImageUrl" },
        { "\"coverImageUrl\": \"/relative/cover.png\"", "coverImageUrl" },
        { "\"coverImageUrl\": \"javascript:alert(1)\"", "coverImageUrl" },
        { "\"coverImageUrl\": \"ftp://files.example.test/c.png\"", "coverImageUrl" },
    };

    /// <summary>Bodies that are not JSON, or JSON of the wrong shape or types.</summary>
    public static TheoryData<string> MalformedBodies => new()
    {
        "{",
        "not json at all",
        "[]",
        "\"a string\"",
        "{\"title\": 5}",
        "{\"title\": {\"nested\": true}}",
        "{\"tags\": \"rust\"}",
        "{\"tags\": [1, 2]}",
        "{\"price\": \"free\"}",
        "{\"price\": {\"amount\": \"ten\", \"currency\": \"EUR\"}}",
        "{\"price\": {\"amount\": 1e40, \"currency\": \"EUR\"}}",
        "{\"price\": {\"amount\": 1.5, \"currency\": \"EUR\"}}",
        "{\"level\": 3}",
    };

    [Theory]
    [MemberData(nameof(InvalidCourseFields))]
    public async Task Create_with_an_invalid_field_is_400_with_errors_for_that_field_and_creates_nothing(string field, string key)
    {
        var instructor = await _client.NewUserWithRoleAsync("instructor");
        var admin = await _client.LoginAdminAsync();
        var marker = Marker();
        var json = key == "title" ? "{" + field + "}" : $"{{\"title\": \"Invalid {marker}\", {field}}}";

        using var response = await _client.SendAsync(RawJson(HttpMethod.Post, Courses, instructor.Tokens.AccessToken, json));

        await response.AssertValidationAsync(key);
        Assert.Equal(0, (await _client.ListAsync(admin.AccessToken, $"search={marker}")).GetProperty("total").GetInt32());
        Assert.Empty(await _client.ListIdsAsync(admin.AccessToken, $"instructorId={instructor.Id}"));
    }

    [Fact]
    public async Task Create_without_a_title_is_400_with_errors_for_title()
    {
        var instructor = await _client.NewUserWithRoleAsync("instructor");

        using var response = await _client.SendAsync(RawJson(HttpMethod.Post, Courses, instructor.Tokens.AccessToken, "{\"subtitle\": \"no title\"}"));

        await response.AssertValidationAsync("title");
    }

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task Create_with_a_malformed_or_mistyped_body_is_400_problem(string json)
    {
        var instructor = await _client.NewUserWithRoleAsync("instructor");
        var body = json.StartsWith("{\"", StringComparison.Ordinal) && !json.Contains("title", StringComparison.Ordinal)
            ? "{\"title\": \"Typed\", " + json[1..]
            : json;

        using var response = await _client.SendAsync(RawJson(HttpMethod.Post, Courses, instructor.Tokens.AccessToken, body));

        await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Empty(await _client.ListIdsAsync(instructor.Tokens.AccessToken, $"instructorId={instructor.Id}"));
    }

    [Theory]
    [MemberData(nameof(InvalidCourseFields))]
    public async Task Patch_with_an_invalid_field_is_400_with_errors_for_that_field_and_changes_nothing(string field, string key)
    {
        var owner = await _client.NewUserWithRoleAsync("instructor");
        var id = (await _client.CreateCourseAsync(owner.Tokens.AccessToken, $"Valid {Marker()}")).Str("id");
        var before = await _client.SnapshotAsync(owner.Tokens.AccessToken, id);

        using var response = await _client.SendAsync(RawJson(HttpMethod.Patch, $"{Courses}/{id}", owner.Tokens.AccessToken, "{" + field + "}"));

        await response.AssertValidationAsync(key);
        Assert.Equal(before, await _client.SnapshotAsync(owner.Tokens.AccessToken, id));
    }

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task Patch_with_a_malformed_or_mistyped_body_is_400_and_changes_nothing(string json)
    {
        var owner = await _client.NewUserWithRoleAsync("instructor");
        var id = (await _client.CreateCourseAsync(owner.Tokens.AccessToken, $"Valid {Marker()}")).Str("id");
        var before = await _client.SnapshotAsync(owner.Tokens.AccessToken, id);

        using var response = await _client.SendAsync(RawJson(HttpMethod.Patch, $"{Courses}/{id}", owner.Tokens.AccessToken, json));

        await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(before, await _client.SnapshotAsync(owner.Tokens.AccessToken, id));
    }

    [Fact]
    public async Task Every_other_write_route_answers_a_malformed_or_mistyped_body_with_400_and_changes_nothing()
    {
        var course = await _client.PublishedCourseAsync(publish: false);
        var token = course.Owner.Tokens.AccessToken;
        var before = await _client.SnapshotAsync(token, course.Id);
        var routes = new (HttpMethod Method, string Url, string Mistyped)[]
        {
            (HttpMethod.Post, $"{Courses}/{course.Id}/sections", "{\"title\": 7}"),
            (HttpMethod.Patch, $"{Courses}/{course.Id}/sections/{course.SectionId}", "{\"title\": [\"x\"]}"),
            (HttpMethod.Post, $"{Courses}/{course.Id}/lessons", $"{{\"sectionId\": \"{course.SectionId}\", \"title\": \"L\", \"kind\": \"text\", \"isPreview\": \"yes\"}}"),
            (HttpMethod.Post, $"{Courses}/{course.Id}/lessons", "{\"sectionId\": 12, \"title\": \"L\", \"kind\": \"text\"}"),
            (HttpMethod.Patch, $"/api/v1/lessons/{course.LessonId}", "{\"isPreview\": 1}"),
            (HttpMethod.Patch, $"/api/v1/lessons/{course.LessonId}", "{\"kind\": 2}"),
            (HttpMethod.Put, $"{Courses}/{course.Id}/outline", "{\"sections\": {\"id\": \"x\"}}"),
            (HttpMethod.Put, $"{Courses}/{course.Id}/outline", "{\"sections\": [{\"id\": 1, \"lessonIds\": \"a\"}]}"),
            (HttpMethod.Post, $"{Courses}/{course.Id}/instructors", "{\"userId\": 42}"),
        };

        foreach (var (method, url, mistyped) in routes)
        {
            foreach (var json in new[] { "{", "[1,2]", mistyped })
            {
                using var response = await _client.SendAsync(RawJson(method, url, token, json));
                var text = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {url} with {json}: {(int)response.StatusCode} {text}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }
        Assert.Equal(before, await _client.SnapshotAsync(token, course.Id));
    }

    [Theory]
    [InlineData("\"title\": \"\"", "title")]
    [InlineData("\"title\": \"Missing section\", \"kind\": \"text\", \"sectionId\": \"00000000-0000-0000-0000-000000000000\"", "sectionId")]
    [InlineData("\"kind\": \"audio\"", "kind")]
    public async Task Add_lesson_with_an_invalid_field_is_400_with_errors_for_it(string field, string key)
    {
        var course = await _client.PublishedCourseAsync(publish: false);
        var before = await _client.SnapshotAsync(course.Owner.Tokens.AccessToken, course.Id);
        var valid = new Dictionary<string, string>
        {
            ["sectionId"] = $"\"{course.SectionId}\"", ["title"] = "\"Lesson\"", ["kind"] = "\"text\"",
        };
        var json = "{" + string.Join(", ", valid.Where(p => !field.Contains($"\"{p.Key}\"", StringComparison.Ordinal))
            .Select(p => $"\"{p.Key}\": {p.Value}").Append(field)) + "}";

        using var response = await _client.SendAsync(RawJson(HttpMethod.Post, $"{Courses}/{course.Id}/lessons", course.Owner.Tokens.AccessToken, json));

        await response.AssertValidationAsync(key);
        Assert.Equal(before, await _client.SnapshotAsync(course.Owner.Tokens.AccessToken, course.Id));
    }
}

public sealed class CatalogApiValidationTests_Sqlite(SqliteFixture fixture) : CatalogApiValidationTests(fixture), IClassFixture<SqliteFixture>;

public sealed class CatalogApiValidationTests_Postgres(PostgresRedisFixture fixture) : CatalogApiValidationTests(fixture), IClassFixture<PostgresRedisFixture>;
