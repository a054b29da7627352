using System.Net;
using System.Text.RegularExpressions;
using LearnStream.Api.Tests.Infrastructure;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;

namespace LearnStream.Api.Tests.Catalog;

/// <summary>Creating, reading, changing and deleting courses, and their publish lifecycle.</summary>
public abstract class CatalogApiTests(StoreFixture fixture)
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    [Fact]
    public async Task Create_as_instructor_is_201_draft_owned_by_the_caller_with_location_and_etag()
    {
        var instructor = await _client.NewUserWithRoleAsync("instructor");
        var slug = Marker() + "-intro";

        using var response = await _client.SendAsync(HttpMethod.Post, Courses, instructor.Tokens.AccessToken, new
        {
            title = "Intro to Rust", slug, subtitle = "Ownership", description = "Long text", tags = new[] { "rust", "systems" },
            level = "beginner", language = "en", price = new { amount = 1999, currency = "EUR" }, coverImageUrl = "https://cdn.example.test/c.png",
        });

        var course = await response.JsonAsync(HttpStatusCode.Created);
        var id = course.Str("id");
        Assert.Equal($"/api/v1/courses/{id}", response.Headers.Location?.OriginalString);
        var etag = response.ETag();
        Assert.Equal(slug, course.Str("slug"));
        Assert.Equal("Intro to Rust", course.Str("title"));
        Assert.Equal("Ownership", course.Str("subtitle"));
        Assert.Equal(["rust", "systems"], course.Strings("tags"));
        Assert.Equal("beginner", course.Str("level"));
        Assert.Equal("en", course.Str("language"));
        Assert.Equal(1999, course.GetProperty("price").GetProperty("amount").GetInt64());
        Assert.Equal("EUR", course.GetProperty("price").Str("currency"));
        Assert.False(course.GetProperty("isFree").GetBoolean());
        Assert.Equal("draft", course.Str("status"));
        Assert.Equal(instructor.Id, course.Str("ownerId"));
        Assert.Equal([instructor.Id], course.Strings("instructorIds"));
        Assert.Equal("https://cdn.example.test/c.png", course.Str("coverImageUrl"));
        Assert.EndsWith("Z", course.Str("createdAt"), StringComparison.Ordinal);
        Assert.EndsWith("Z", course.Str("updatedAt"), StringComparison.Ordinal);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, course.GetProperty("publishedAt").ValueKind);
        Assert.Empty(course.GetProperty("sections").EnumerateArray());

        using var get = await _client.SendAsync(HttpMethod.Get, $"{Courses}/{id}", instructor.Tokens.AccessToken);
        Assert.Equal(course.GetProperty("version").GetInt64(), (await get.JsonAsync(HttpStatusCode.OK)).GetProperty("version").GetInt64());
        Assert.Equal(etag, get.ETag());
    }

    [Fact]
    public async Task Create_by_an_admin_without_price_is_free_and_owned_by_the_admin()
    {
        var admin = await _client.LoginAdminAsync();
        using var me = await _client.SendAsync(HttpMethod.Get, "/api/v1/me", admin.AccessToken);
        var adminId = (await me.JsonAsync(HttpStatusCode.OK)).Str("id");

        var course = await _client.CreateCourseAsync(admin.AccessToken, $"Admin course {Marker()}");

        Assert.Equal("draft", course.Str("status"));
        Assert.True(course.GetProperty("isFree").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, course.GetProperty("price").ValueKind);
        Assert.Equal(adminId, course.Str("ownerId"));
        Assert.Equal([adminId], course.Strings("instructorIds"));
    }

    [Fact]
    public async Task Create_without_a_slug_derives_a_url_safe_slug_that_finds_the_course()
    {
        var instructor = await _client.NewUserWithRoleAsync("instructor");

        var course = await _client.CreateCourseAsync(instructor.Tokens.AccessToken, $"Hello, World! C# 101 {Marker()} Ünïcode");

        var slug = course.Str("slug");
        Assert.Matches(new Regex(SlugPattern), slug);
        Assert.Contains("hello", slug, StringComparison.Ordinal);
        Assert.Equal(course.Str("id"), (await _client.GetCourseAsync(instructor.Tokens.AccessToken, slug)).Str("id"));
    }

    [Fact]
    public async Task Create_with_a_taken_slug_is_409()
    {
        var instructor = await _client.NewUserWithRoleAsync("instructor");
        var other = await _client.NewUserWithRoleAsync("instructor");
        var slug = Marker();
        await _client.CreateCourseAsync(instructor.Tokens.AccessToken, new { title = "First", slug });

        using var response = await _client.SendAsync(HttpMethod.Post, Courses, other.Tokens.AccessToken, new { title = "Second", slug });

        await response.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("First", (await _client.GetCourseAsync(instructor.Tokens.AccessToken, slug)).Str("title"));
    }

    [Fact]
    public async Task Create_as_a_student_is_403_and_anonymous_is_401_and_nothing_is_created()
    {
        var student = await _client.NewUserAsync();
        var admin = await _client.LoginAdminAsync();
        var marker = Marker();

        using var asStudent = await _client.SendAsync(HttpMethod.Post, Courses, student.Tokens.AccessToken, new { title = $"Nope {marker}" });
        using var anonymous = await _client.SendAsync(HttpMethod.Post, Courses, null, new { title = $"Nope {marker}" });

        await asStudent.ProblemAsync(HttpStatusCode.Forbidden);
        await anonymous.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(0, (await _client.ListAsync(admin.AccessToken, $"search={marker}")).GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("no-such-course-slug")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("000000000000000000000000")]
    [InlineData("%20%27%3B--")]
    public async Task Get_of_an_unknown_or_malformed_id_is_404_problem(string id)
    {
        var admin = await _client.LoginAdminAsync();

        using var response = await _client.SendAsync(HttpMethod.Get, $"{Courses}/{id}", admin.AccessToken);

        await response.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_draft_is_visible_only_to_its_instructors_and_admins()
    {
        var owner = await _client.NewUserWithRoleAsync("instructor");
        var otherInstructor = await _client.NewUserWithRoleAsync("instructor");
        var student = await _client.NewUserAsync();
        var admin = await _client.LoginAdminAsync();
        var course = await _client.CreateCourseAsync(owner.Tokens.AccessToken, $"Draft {Marker()}");

        foreach (var outsider in new[] { null, student.Tokens.AccessToken, otherInstructor.Tokens.AccessToken })
        {
            using var byId = await _client.SendAsync(HttpMethod.Get, $"{Courses}/{course.Str("id")}", outsider);
            await byId.ProblemAsync(HttpStatusCode.NotFound);
            Assert.Equal(HttpStatusCode.NotFound, await _client.GetCourseStatusAsync(outsider, course.Str("slug")));
        }
        Assert.Equal("draft", (await _client.GetCourseAsync(owner.Tokens.AccessToken, course.Str("id"))).Str("status"));
        Assert.Equal("draft", (await _client.GetCourseAsync(admin.AccessToken, course.Str("slug"))).Str("status"));
    }

    [Fact]
    public async Task Patch_changes_the_given_fields_only_and_returns_version_plus_one_with_a_new_etag()
    {
        var owner = await _client.NewUserWithRoleAsync("instructor");
        using var created = await _client.SendAsync(HttpMethod.Post, Courses, owner.Tokens.AccessToken,
            new { title = "Before", subtitle = "Kept", tags = new[] { "a" } });
        var course = await created.JsonAsync(HttpStatusCode.Created);

        using var response = await _client.SendAsync(HttpMethod.Patch, $"{Courses}/{course.Str("id")}", owner.Tokens.AccessToken,
            new { title = "After", level = "advanced", price = new { amount = 500, currency = "USD" } });

        var patched = await response.JsonAsync(HttpStatusCode.OK);
        Assert.Equal("After", patched.Str("title"));
        Assert.Equal("Kept", patched.Str("subtitle"));
        Assert.Equal(["a"], patched.Strings("tags"));
        Assert.Equal("advanced", patched.Str("level"));
        Assert.Equal(500, patched.GetProperty("price").GetProperty("amount").GetInt64());
        Assert.Equal(course.GetProperty("version").GetInt64() + 1, patched.GetProperty("version").GetInt64());
        Assert.NotEqual(created.ETag(), response.ETag());
        Assert.Equal("After", (await _client.GetCourseAsync(owner.Tokens.AccessToken, course.Str("id"))).Str("title"));
    }

    [Fact]
    public async Task Patch_with_a_stale_etag_is_412_and_changes_nothing()
    {
        var owner = await _client.NewUserWithRoleAsync("instructor");
        using var created = await _client.SendAsync(HttpMethod.Post, Courses, owner.Tokens.AccessToken, new { title = "Original" });
        var id = (await created.JsonAsync(HttpStatusCode.Created)).Str("id");
        var staleEtag = created.ETag();
        using var first = await _client.SendAsync(HttpMethod.Patch, $"{Courses}/{id}", owner.Tokens.AccessToken, new { title = "Second" });
        var currentEtag = first.ETag();
        var before = await _client.SnapshotAsync(owner.Tokens.AccessToken, id);

        var stale = Request(HttpMethod.Patch, $"{Courses}/{id}", owner.Tokens.AccessToken, new { title = "Lost update" });
        stale.Headers.TryAddWithoutValidation("If-Match", staleEtag);
        using var response = await _client.SendAsync(stale);

        await response.ProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal(before, await _client.SnapshotAsync(owner.Tokens.AccessToken, id));
        var fresh = Request(HttpMethod.Patch, $"{Courses}/{id}", owner.Tokens.AccessToken, new { title = "Third" });
        fresh.Headers.TryAddWithoutValidation("If-Match", currentEtag);
        using var ok = await _client.SendAsync(fresh);
        Assert.Equal("Third", (await ok.JsonAsync(HttpStatusCode.OK)).Str("title"));
    }

    [Fact]
    public async Task Patch_to_a_slug_another_course_holds_is_409_and_changes_nothing()
    {
        var owner = await _client.NewUserWithRoleAsync("instructor");
        var taken = await _client.CreateCourseAsync(owner.Tokens.AccessToken, $"Taken {Marker()}");
        var course = await _client.CreateCourseAsync(owner.Tokens.AccessToken, $"Mine {Marker()}");
        var before = await _client.SnapshotAsync(owner.Tokens.AccessToken, course.Str("id"));

        using var response = await _client.SendAsync(HttpMethod.Patch, $"{Courses}/{course.Str("id")}", owner.Tokens.AccessToken, new { slug = taken.Str("slug") });

        await response.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(before, await _client.SnapshotAsync(owner.Tokens.AccessToken, course.Str("id")));
    }

    [Fact]
    public async Task Delete_of_a_draft_is_204_and_then_it_is_gone()
    {
        var owner = await _client.NewUserWithRoleAsync("instructor");
        var course = await _client.CreateCourseAsync(owner.Tokens.AccessToken, $"Doomed {Marker()}");

        using var response = await _client.SendAsync(HttpMethod.Delete, $"{Courses}/{course.Str("id")}", owner.Tokens.AccessToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, await _client.GetCourseStatusAsync(owner.Tokens.AccessToken, course.Str("id")));
        Assert.Equal(HttpStatusCode.NotFound, await _client.GetCourseStatusAsync(owner.Tokens.AccessToken, course.Str("slug")));
    }
}

public sealed class CatalogApiTests_Sqlite(SqliteFixture fixture) : CatalogApiTests(fixture), IClassFixture<SqliteFixture>;

public sealed class CatalogApiTests_Postgres(PostgresRedisFixture fixture) : CatalogApiTests(fixture), IClassFixture<PostgresRedisFixture>;
