using System.Net;
using LearnStream.Api.Tests.Infrastructure;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;

namespace LearnStream.Api.Tests.Catalog;

/// <summary>Who may change a course: its instructors and admins; everybody else is refused and changes nothing.</summary>
public abstract class CatalogApiAccessTests(StoreFixture fixture)
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    /// <summary>
    /// Every route that takes a course, section, lesson or instructor id, with a body that would succeed for the owner
    /// (<paramref name="intruderId"/> is an instructor who does not teach the course), so only access decides the answer.
    /// </summary>
    private static List<(HttpMethod Method, string Url, object? Body)> WriteRoutes(PublishedCourse c, string coInstructorId, string intruderId) =>
    [
        (HttpMethod.Patch, $"{Courses}/{c.Id}", new { title = "Hijacked" }),
        (HttpMethod.Delete, $"{Courses}/{c.Id}", null),
        (HttpMethod.Post, $"{Courses}/{c.Id}/publish", null),
        (HttpMethod.Post, $"{Courses}/{c.Id}/unpublish", null),
        (HttpMethod.Post, $"{Courses}/{c.Id}/archive", null),
        (HttpMethod.Post, $"{Courses}/{c.Id}/sections", new { title = "Injected" }),
        (HttpMethod.Patch, $"{Courses}/{c.Id}/sections/{c.SectionId}", new { title = "Hijacked" }),
        (HttpMethod.Delete, $"{Courses}/{c.Id}/sections/{c.SectionId}", null),
        (HttpMethod.Post, $"{Courses}/{c.Id}/lessons", new { sectionId = c.SectionId, title = "Injected", kind = "text" }),
        (HttpMethod.Patch, $"/api/v1/lessons/{c.LessonId}", new { title = "Hijacked", isPreview = true }),
        (HttpMethod.Delete, $"/api/v1/lessons/{c.LessonId}", null),
        (HttpMethod.Put, $"{Courses}/{c.Id}/outline", new { sections = new[] { new { id = c.SectionId, lessonIds = new[] { c.LessonId } } } }),
        (HttpMethod.Post, $"{Courses}/{c.Id}/instructors", new { userId = intruderId }),
        (HttpMethod.Delete, $"{Courses}/{c.Id}/instructors/{coInstructorId}", null),
    ];

    private async Task AssertOutsidersAreRefusedAsync(bool published, HttpStatusCode refusedForUsers)
    {
        var course = await _client.PublishedCourseAsync(publish: published);
        var ownerToken = course.Owner.Tokens.AccessToken;
        var coInstructor = await _client.NewUserWithRoleAsync("instructor");
        using (var added = await _client.SendAsync(HttpMethod.Post, $"{Courses}/{course.Id}/instructors", ownerToken, new { userId = coInstructor.Id }))
        {
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        }
        var otherInstructor = await _client.NewUserWithRoleAsync("instructor");
        var student = await _client.NewUserAsync();
        var before = await _client.SnapshotAsync(ownerToken, course.Id);
        var callers = new (string Name, TestUser? User, HttpStatusCode Expected)[]
        {
            ("other instructor", otherInstructor, refusedForUsers),
            ("student", student, refusedForUsers),
            ("anonymous", null, HttpStatusCode.Unauthorized),
        };

        foreach (var (name, user, expected) in callers)
        {
            foreach (var (method, url, body) in WriteRoutes(course, coInstructor.Id, otherInstructor.Id))
            {
                using var response = await _client.SendAsync(method, url, user?.Tokens.AccessToken, body);
                var text = await response.Content.ReadAsStringAsync();
                Assert.True(expected == response.StatusCode, $"{name}: {method} {url} gave {(int)response.StatusCode} {text}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }
        Assert.Equal(before, await _client.SnapshotAsync(ownerToken, course.Id));
    }

    [Fact]
    public async Task Outsiders_get_403_on_every_route_of_a_published_course_and_change_nothing() =>
        await AssertOutsidersAreRefusedAsync(published: true, HttpStatusCode.Forbidden);

    [Fact]
    public async Task Outsiders_get_404_on_every_route_of_a_draft_and_change_nothing() =>
        await AssertOutsidersAreRefusedAsync(published: false, HttpStatusCode.NotFound);

    [Fact]
    public async Task Every_route_of_an_unknown_course_is_404_problem_even_for_an_admin()
    {
        var admin = await _client.LoginAdminAsync();
        var instructor = await _client.NewUserWithRoleAsync("instructor");
        var ghost = new PublishedCourse(instructor, "00000000-0000-0000-0000-000000000000", "00000000-0000-0000-0000-000000000001", "00000000-0000-0000-0000-000000000002");

        foreach (var (method, url, body) in WriteRoutes(ghost, instructor.Id, instructor.Id))
        {
            using var response = await _client.SendAsync(method, url, admin.AccessToken, body);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {url} gave {(int)response.StatusCode} {text}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task An_added_co_instructor_sees_the_draft_lists_it_and_can_patch_it()
    {
        var course = await _client.PublishedCourseAsync(publish: false);
        var co = await _client.NewUserWithRoleAsync("instructor");

        using var response = await _client.SendAsync(HttpMethod.Post, $"{Courses}/{course.Id}/instructors", course.Owner.Tokens.AccessToken, new { userId = co.Id });

        var updated = await response.JsonAsync(HttpStatusCode.OK);
        Assert.Equal([course.Owner.Id, co.Id], updated.Strings("instructorIds"));
        Assert.Equal(course.Owner.Id, updated.Str("ownerId"));
        Assert.Equal([course.Id], await _client.ListIdsAsync(co.Tokens.AccessToken, $"instructorId={course.Owner.Id}"));
        using var patch = await _client.SendAsync(HttpMethod.Patch, $"{Courses}/{course.Id}", co.Tokens.AccessToken, new { subtitle = "By the co-instructor" });
        Assert.Equal("By the co-instructor", (await patch.JsonAsync(HttpStatusCode.OK)).Str("subtitle"));
        using var lesson = await _client.SendAsync(HttpMethod.Get, $"/api/v1/lessons/{course.LessonId}", co.Tokens.AccessToken);
        Assert.Equal("Lesson body text", (await lesson.JsonAsync(HttpStatusCode.OK)).Str("body"));
    }

    [Fact]
    public async Task Adding_a_student_or_an_unknown_user_as_instructor_is_400_for_user_id_and_changes_nothing()
    {
        var course = await _client.PublishedCourseAsync(publish: false);
        var token = course.Owner.Tokens.AccessToken;
        var student = await _client.NewUserAsync();
        var before = await _client.SnapshotAsync(token, course.Id);

        foreach (var userId in new[] { student.Id, "00000000-0000-0000-0000-000000000000", "not-a-user", "" })
        {
            using var response = await _client.SendAsync(HttpMethod.Post, $"{Courses}/{course.Id}/instructors", token, new { userId });
            await response.AssertValidationAsync("userId");
        }
        Assert.Equal(before, await _client.SnapshotAsync(token, course.Id));
    }

    [Fact]
    public async Task Adding_someone_who_already_teaches_the_course_is_409()
    {
        var course = await _client.PublishedCourseAsync(publish: false);
        var token = course.Owner.Tokens.AccessToken;
        var co = await _client.NewUserWithRoleAsync("instructor");
        using (var added = await _client.SendAsync(HttpMethod.Post, $"{Courses}/{course.Id}/instructors", token, new { userId = co.Id }))
        {
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        }
        var before = await _client.SnapshotAsync(token, course.Id);

        foreach (var userId in new[] { co.Id, course.Owner.Id })
        {
            using var response = await _client.SendAsync(HttpMethod.Post, $"{Courses}/{course.Id}/instructors", token, new { userId });
            await response.ProblemAsync(HttpStatusCode.Conflict);
        }
        Assert.Equal(before, await _client.SnapshotAsync(token, course.Id));
    }

    [Fact]
    public async Task A_removed_co_instructor_can_no_longer_see_or_patch_the_draft()
    {
        var course = await _client.PublishedCourseAsync(publish: false);
        var token = course.Owner.Tokens.AccessToken;
        var co = await _client.NewUserWithRoleAsync("instructor");
        using (var added = await _client.SendAsync(HttpMethod.Post, $"{Courses}/{course.Id}/instructors", token, new { userId = co.Id }))
        {
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        }

        using var response = await _client.SendAsync(HttpMethod.Delete, $"{Courses}/{course.Id}/instructors/{co.Id}", token);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var before = await _client.SnapshotAsync(token, course.Id);
        Assert.Equal([course.Owner.Id], (await _client.GetCourseAsync(token, course.Id)).Strings("instructorIds"));
        using var patch = await _client.SendAsync(HttpMethod.Patch, $"{Courses}/{course.Id}", co.Tokens.AccessToken, new { title = "Too late" });
        await patch.ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NotFound, await _client.GetCourseStatusAsync(co.Tokens.AccessToken, course.Id));
        Assert.Equal(before, await _client.SnapshotAsync(token, course.Id));
    }

    [Fact]
    public async Task Removing_the_owner_is_409_even_for_an_admin()
    {
        var course = await _client.PublishedCourseAsync(publish: false);
        var admin = await _client.LoginAdminAsync();
        var before = await _client.SnapshotAsync(course.Owner.Tokens.AccessToken, course.Id);

        foreach (var token in new[] { course.Owner.Tokens.AccessToken, admin.AccessToken })
        {
            using var response = await _client.SendAsync(HttpMethod.Delete, $"{Courses}/{course.Id}/instructors/{course.Owner.Id}", token);
            await response.ProblemAsync(HttpStatusCode.Conflict);
        }
        Assert.Equal(before, await _client.SnapshotAsync(course.Owner.Tokens.AccessToken, course.Id));
    }

    [Fact]
    public async Task An_admin_can_manage_any_instructors_course()
    {
        var course = await _client.PublishedCourseAsync(publish: false);
        var admin = await _client.LoginAdminAsync();

        using var patch = await _client.SendAsync(HttpMethod.Patch, $"{Courses}/{course.Id}", admin.AccessToken, new { title = "Moderated" });
        var section = await _client.AddSectionAsync(admin.AccessToken, course.Id, "Added by admin");
        var published = await _client.PublishAsync(admin.AccessToken, course.Id);

        Assert.Equal("Moderated", (await patch.JsonAsync(HttpStatusCode.OK)).Str("title"));
        Assert.Equal("published", published.Str("status"));
        Assert.Equal(course.Owner.Id, published.Str("ownerId"));
        Assert.Contains(section.Str("id"), published.GetProperty("sections").EnumerateArray().Select(s => s.Str("id")));
    }
}

public sealed class CatalogApiAccessTests_Sqlite(SqliteFixture fixture) : CatalogApiAccessTests(fixture), IClassFixture<SqliteFixture>;

public sealed class CatalogApiAccessTests_Postgres(PostgresRedisFixture fixture) : CatalogApiAccessTests(fixture), IClassFixture<PostgresRedisFixture>;
