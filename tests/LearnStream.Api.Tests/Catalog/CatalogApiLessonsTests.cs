using System.Net;
using System.Text.Json;
using LearnStream.Api.Tests.Infrastructure;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;

namespace LearnStream.Api.Tests.Catalog;

/// <summary>Sections, lessons, who reads a lesson body, and reordering the outline.</summary>
public abstract class CatalogApiLessonsTests(StoreFixture fixture)
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    private async Task<JsonElement> GetLessonAsync(string? token, string lessonId)
    {
        using var response = await _client.SendAsync(HttpMethod.Get, $"/api/v1/lessons/{lessonId}", token);
        return await response.JsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Sections_are_added_renamed_and_appear_in_the_outline_in_order()
    {
        var owner = await _client.NewUserWithRoleAsync("instructor");
        var id = (await _client.CreateCourseAsync(owner.Tokens.AccessToken, $"Sections {Marker()}")).Str("id");

        var first = await _client.AddSectionAsync(owner.Tokens.AccessToken, id, "Basics");
        var second = await _client.AddSectionAsync(owner.Tokens.AccessToken, id, "Advanced");
        using var rename = await _client.SendAsync(HttpMethod.Patch, $"{Courses}/{id}/sections/{first.Str("id")}", owner.Tokens.AccessToken, new { title = "Foundations" });

        Assert.Equal("Basics", first.Str("title"));
        Assert.Empty(first.GetProperty("lessons").EnumerateArray());
        Assert.Equal("Foundations", (await rename.JsonAsync(HttpStatusCode.OK)).Str("title"));
        var sections = (await _client.GetCourseAsync(owner.Tokens.AccessToken, id)).GetProperty("sections").EnumerateArray().ToList();
        Assert.Equal([first.Str("id"), second.Str("id")], sections.Select(s => s.Str("id")));
        Assert.Equal(["Foundations", "Advanced"], sections.Select(s => s.Str("title")));
    }

    [Fact]
    public async Task Adding_or_renaming_a_section_with_an_empty_title_is_400_and_changes_nothing()
    {
        var course = await _client.PublishedCourseAsync(publish: false);
        var token = course.Owner.Tokens.AccessToken;
        var before = await _client.SnapshotAsync(token, course.Id);

        using var add = await _client.SendAsync(HttpMethod.Post, $"{Courses}/{course.Id}/sections", token, new { title = "" });
        using var rename = await _client.SendAsync(HttpMethod.Patch, $"{Courses}/{course.Id}/sections/{course.SectionId}", token, new { title = " " });

        await add.AssertValidationAsync("title");
        await rename.AssertValidationAsync("title");
        Assert.Equal(before, await _client.SnapshotAsync(token, course.Id));
    }

    [Theory]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("not-a-section")]
    public async Task Patch_or_delete_of_an_unknown_section_is_404_problem(string sectionId)
    {
        var course = await _client.PublishedCourseAsync(publish: false);
        var token = course.Owner.Tokens.AccessToken;

        using var patch = await _client.SendAsync(HttpMethod.Patch, $"{Courses}/{course.Id}/sections/{sectionId}", token, new { title = "X" });
        using var delete = await _client.SendAsync(HttpMethod.Delete, $"{Courses}/{course.Id}/sections/{sectionId}", token);

        await patch.ProblemAsync(HttpStatusCode.NotFound);
        await delete.ProblemAsync(HttpStatusCode.NotFound);
        Assert.Single((await _client.GetCourseAsync(token, course.Id)).GetProperty("sections").EnumerateArray());
    }

    [Fact]
    public async Task Deleting_a_section_removes_it_and_its_lessons()
    {
        var course = await _client.PublishedCourseAsync(publish: false);
        var token = course.Owner.Tokens.AccessToken;
        var kept = await _client.AddSectionAsync(token, course.Id, "Kept");
        var keptLesson = await _client.AddLessonAsync(token, course.Id, kept.Str("id"));

        using var response = await _client.SendAsync(HttpMethod.Delete, $"{Courses}/{course.Id}/sections/{course.SectionId}", token);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var outline = await _client.GetCourseAsync(token, course.Id);
        Assert.Equal([kept.Str("id")], outline.GetProperty("sections").EnumerateArray().Select(s => s.Str("id")));
        Assert.Equal([keptLesson.Str("id")], outline.OutlineLessons().Select(l => l.Str("id")));
        using var gone = await _client.SendAsync(HttpMethod.Get, $"/api/v1/lessons/{course.LessonId}", token);
        await gone.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Add_lesson_is_201_with_its_fields_and_the_outline_lists_it_without_a_body()
    {
        var course = await _client.PublishedCourseAsync(publish: false);
        var token = course.Owner.Tokens.AccessToken;

        var lesson = await _client.AddLessonAsync(token, course.Id, course.SectionId, "Ownership", "text", "# Secret body", isPreview: true, description: "About it");

        Assert.Equal(course.Id, lesson.Str("courseId"));
        Assert.Equal(course.SectionId, lesson.Str("sectionId"));
        Assert.Equal("Ownership", lesson.Str("title"));
        Assert.Equal("text", lesson.Str("kind"));
        Assert.Equal("About it", lesson.Str("description"));
        Assert.True(lesson.GetProperty("isPreview").GetBoolean());
        Assert.Equal("# Secret body", lesson.Str("body"));
        var outline = await _client.GetCourseAsync(token, course.Id);
        var listed = outline.OutlineLessons().Last();
        Assert.Equal(lesson.Str("id"), listed.Str("id"));
        Assert.True(listed.GetProperty("isPreview").GetBoolean());
        Assert.Equal("About it", listed.Str("description"));
        Assert.DoesNotContain("Secret body", outline.GetRawText(), StringComparison.Ordinal);
        Assert.All(outline.OutlineLessons(), l => Assert.False(l.TryGetProperty("body", out _)));
    }

    [Fact]
    public async Task A_lesson_body_is_given_to_its_instructors_and_admins_only()
    {
        var course = await _client.PublishedCourseAsync();
        var otherInstructor = await _client.NewUserWithRoleAsync("instructor");
        var student = await _client.NewUserAsync();
        var admin = await _client.LoginAdminAsync();

        Assert.Equal("Lesson body text", (await GetLessonAsync(course.Owner.Tokens.AccessToken, course.LessonId)).Str("body"));
        Assert.Equal("Lesson body text", (await GetLessonAsync(admin.AccessToken, course.LessonId)).Str("body"));
        foreach (var token in new[] { null, student.Tokens.AccessToken, otherInstructor.Tokens.AccessToken })
        {
            var lesson = await GetLessonAsync(token, course.LessonId);
            Assert.Equal(course.LessonId, lesson.Str("id"));
            Assert.Equal(JsonValueKind.Null, lesson.GetProperty("body").ValueKind);
        }
    }

    [Fact]
    public async Task A_preview_lesson_body_is_public_only_once_the_course_is_published()
    {
        var course = await _client.PublishedCourseAsync(publish: false);
        var token = course.Owner.Tokens.AccessToken;
        var preview = await _client.AddLessonAsync(token, course.Id, course.SectionId, "Free taste", body: "Preview body", isPreview: true);
        using (var hidden = await _client.SendAsync(HttpMethod.Get, $"/api/v1/lessons/{preview.Str("id")}", null))
        {
            await hidden.ProblemAsync(HttpStatusCode.NotFound);
        }

        await _client.PublishAsync(token, course.Id);

        var student = await _client.NewUserAsync();
        Assert.Equal("Preview body", (await GetLessonAsync(null, preview.Str("id"))).Str("body"));
        Assert.Equal("Preview body", (await GetLessonAsync(student.Tokens.AccessToken, preview.Str("id"))).Str("body"));
        Assert.Equal(JsonValueKind.Null, (await GetLessonAsync(null, course.LessonId)).GetProperty("body").ValueKind);
    }

    [Fact]
    public async Task A_lesson_of_a_draft_is_404_to_outsiders_and_readable_by_its_instructors()
    {
        var course = await _client.PublishedCourseAsync(publish: false);
        var otherInstructor = await _client.NewUserWithRoleAsync("instructor");
        var student = await _client.NewUserAsync();

        foreach (var token in new[] { null, student.Tokens.AccessToken, otherInstructor.Tokens.AccessToken })
        {
            using var response = await _client.SendAsync(HttpMethod.Get, $"/api/v1/lessons/{course.LessonId}", token);
            await response.ProblemAsync(HttpStatusCode.NotFound);
        }
        Assert.Equal("Lesson body text", (await GetLessonAsync(course.Owner.Tokens.AccessToken, course.LessonId)).Str("body"));
    }

    [Theory]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("000000000000000000000000")]
    [InlineData("not-a-lesson")]
    public async Task Get_patch_and_delete_of_an_unknown_or_malformed_lesson_is_404_problem(string lessonId)
    {
        var admin = await _client.LoginAdminAsync();

        using var get = await _client.SendAsync(HttpMethod.Get, $"/api/v1/lessons/{lessonId}", admin.AccessToken);
        using var patch = await _client.SendAsync(HttpMethod.Patch, $"/api/v1/lessons/{lessonId}", admin.AccessToken, new { title = "X" });
        using var delete = await _client.SendAsync(HttpMethod.Delete, $"/api/v1/lessons/{lessonId}", admin.AccessToken);

        await get.ProblemAsync(HttpStatusCode.NotFound);
        await patch.ProblemAsync(HttpStatusCode.NotFound);
        await delete.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Patch_lesson_changes_the_given_fields_and_an_invalid_kind_is_400()
    {
        var course = await _client.PublishedCourseAsync(publish: false);
        var token = course.Owner.Tokens.AccessToken;

        using var response = await _client.SendAsync(HttpMethod.Patch, $"/api/v1/lessons/{course.LessonId}", token,
            new { title = "Renamed", body = "New body", isPreview = true, kind = "video" });
        using var invalid = await _client.SendAsync(HttpMethod.Patch, $"/api/v1/lessons/{course.LessonId}", token, new { kind = "audio" });

        var patched = await response.JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Renamed", patched.Str("title"));
        Assert.Equal("video", patched.Str("kind"));
        await invalid.AssertValidationAsync("kind");
        var lesson = await GetLessonAsync(token, course.LessonId);
        Assert.Equal("Renamed", lesson.Str("title"));
        Assert.Equal("New body", lesson.Str("body"));
        Assert.Equal("video", lesson.Str("kind"));
        Assert.True(lesson.GetProperty("isPreview").GetBoolean());
    }

    [Fact]
    public async Task Delete_lesson_is_204_and_removes_it_from_the_outline()
    {
        var course = await _client.PublishedCourseAsync(publish: false);
        var token = course.Owner.Tokens.AccessToken;
        var other = await _client.AddLessonAsync(token, course.Id, course.SectionId, "Stays");

        using var response = await _client.SendAsync(HttpMethod.Delete, $"/api/v1/lessons/{course.LessonId}", token);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal([other.Str("id")], (await _client.GetCourseAsync(token, course.Id)).OutlineLessons().Select(l => l.Str("id")));
        using var gone = await _client.SendAsync(HttpMethod.Get, $"/api/v1/lessons/{course.LessonId}", token);
        await gone.ProblemAsync(HttpStatusCode.NotFound);
    }
}

public sealed class CatalogApiLessonsTests_Sqlite(SqliteFixture fixture) : CatalogApiLessonsTests(fixture), IClassFixture<SqliteFixture>;

public sealed class CatalogApiLessonsTests_Postgres(PostgresRedisFixture fixture) : CatalogApiLessonsTests(fixture), IClassFixture<PostgresRedisFixture>;
