using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using LearnStream.Api.Tests.Infrastructure;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;

namespace LearnStream.Api.Tests.Catalog;

/// <summary>What instructors write: accepted up to each limit, and never served back as script.</summary>
public abstract partial class CatalogApiContentTests(StoreFixture fixture)
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    [GeneratedRegex("""(href|src)\s*=\s*["']?\s*(javascript|vbscript|data)(:|&#0*58;?|&#x0*3a;?|&colon;)""", RegexOptions.IgnoreCase)]
    private static partial Regex DangerousUrl();

    [GeneratedRegex("""<(script|iframe|object|embed|svg)\b|<[a-z][^>]*\son[a-z]+\s*=""", RegexOptions.IgnoreCase)]
    private static partial Regex DangerousTag();

    [Fact]
    public async Task Create_at_every_limit_is_accepted_and_a_zero_price_is_free()
    {
        var instructor = await _client.NewUserWithRoleAsync("instructor");
        var marker = Marker();
        var title = (marker + " " + new string('x', 200))[..200];
        var tags = Enumerable.Range(0, 20).Select(i => $"{i:D2}{marker}".PadRight(40, 't')).ToArray();

        var course = await _client.CreateCourseAsync(instructor.Tokens.AccessToken, new
        {
            title, tags, price = new { amount = 0, currency = "USD" }, level = "intermediate", coverImageUrl = "http://cdn.example.test/c.png",
        });

        Assert.Equal(title, course.Str("title"));
        Assert.Equal(tags, course.Strings("tags"));
        Assert.True(course.GetProperty("isFree").GetBoolean());
        Assert.Equal("intermediate", course.Str("level"));
        Assert.Matches(SlugPattern, course.Str("slug"));
        Assert.Equal([course.Str("id")], await _client.ListIdsAsync(instructor.Tokens.AccessToken, $"tag={tags[19]}"));
    }

    [Fact]
    public async Task Titles_without_any_ascii_letter_still_get_distinct_url_safe_slugs()
    {
        var instructor = await _client.NewUserWithRoleAsync("instructor");

        var first = await _client.CreateCourseAsync(instructor.Tokens.AccessToken, "日本語のコース");
        var second = await _client.CreateCourseAsync(instructor.Tokens.AccessToken, "日本語のコース");
        var symbols = await _client.CreateCourseAsync(instructor.Tokens.AccessToken, "!!! ??? ---");

        Assert.All(new[] { first, second, symbols }, c => Assert.Matches(SlugPattern, c.Str("slug")));
        Assert.NotEqual(first.Str("slug"), second.Str("slug"));
        Assert.Equal(second.Str("id"), (await _client.GetCourseAsync(instructor.Tokens.AccessToken, second.Str("slug"))).Str("id"));
    }

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("[click](javascript:alert(1))")]
    [InlineData("[click](JaVaScRiPt:alert(1))")]
    [InlineData("[click]( javascript:alert(1) )")]
    [InlineData("[click](javascript&#58;alert(1))")]
    [InlineData("![pic](javascript:alert(1))")]
    [InlineData("<javascript:alert(1)>")]
    [InlineData("[click][ref]\n\n[ref]: javascript:alert(1)")]
    [InlineData("[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)")]
    [InlineData("<a href=\"javascript:alert(1)\">click</a>")]
    public async Task A_description_is_never_served_back_as_script(string markdown)
    {
        var instructor = await _client.NewUserWithRoleAsync("instructor");
        var id = (await _client.CreateCourseAsync(instructor.Tokens.AccessToken, new { title = $"Markdown {Marker()}", description = markdown })).Str("id");

        var course = await _client.GetCourseAsync(instructor.Tokens.AccessToken, id);

        Assert.Equal(markdown, course.Str("description"));
        foreach (var property in course.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String && p.Name != "description"))
        {
            var html = property.Value.GetString()!;
            Assert.False(DangerousUrl().IsMatch(html), $"{property.Name} links to script: {html}");
            Assert.False(DangerousTag().IsMatch(html), $"{property.Name} holds a script-capable tag: {html}");
        }
    }

    [Fact]
    public async Task Fields_the_server_owns_are_not_taken_from_create_or_patch_bodies()
    {
        var instructor = await _client.NewUserWithRoleAsync("instructor");
        var victim = await _client.NewUserWithRoleAsync("instructor");
        var forged = new Dictionary<string, object?>
        {
            ["id"] = "forged-id", ["status"] = "published", ["ownerId"] = victim.Id, ["instructorIds"] = new[] { victim.Id }, ["version"] = 99,
            ["createdAt"] = "2000-01-01T00:00:00Z", ["publishedAt"] = "2000-01-01T00:00:00Z", ["isFree"] = false,
            ["sections"] = new[] { new { id = "s", title = "S", lessons = new[] { new { id = "l", title = "L", kind = "text" } } } },
        };
        var body = new Dictionary<string, object?>(forged) { ["title"] = $"Forged {Marker()}" };

        using var create = await _client.SendAsync(HttpMethod.Post, Courses, instructor.Tokens.AccessToken, body);

        if (create.StatusCode == HttpStatusCode.BadRequest)
        {
            Assert.Empty(await _client.ListIdsAsync(instructor.Tokens.AccessToken, $"instructorId={instructor.Id}"));
            return;
        }
        var course = await create.JsonAsync(HttpStatusCode.Created);
        var id = course.Str("id");
        using var patch = await _client.SendAsync(HttpMethod.Patch, $"{Courses}/{id}", instructor.Tokens.AccessToken, forged);
        Assert.Contains(patch.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.BadRequest });
        var stored = await _client.GetCourseAsync(instructor.Tokens.AccessToken, id);
        Assert.NotEqual("forged-id", id);
        Assert.Equal("draft", stored.Str("status"));
        Assert.Equal(instructor.Id, stored.Str("ownerId"));
        Assert.Equal([instructor.Id], stored.Strings("instructorIds"));
        Assert.True(stored.GetProperty("version").GetInt64() < 99);
        Assert.True(stored.GetProperty("createdAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddHours(-1));
        Assert.Equal(JsonValueKind.Null, stored.GetProperty("publishedAt").ValueKind);
        Assert.Empty(stored.GetProperty("sections").EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, await _client.GetCourseStatusAsync(victim.Tokens.AccessToken, id));
    }
}

public sealed class CatalogApiContentTests_Sqlite(SqliteFixture fixture) : CatalogApiContentTests(fixture), IClassFixture<SqliteFixture>;

public sealed class CatalogApiContentTests_Postgres(PostgresRedisFixture fixture) : CatalogApiContentTests(fixture), IClassFixture<PostgresRedisFixture>;
