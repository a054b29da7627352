using System.Net;
using LearnStream.Api.Tests.Infrastructure;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;

namespace LearnStream.Api.Tests.Enrollment;

/// <summary>What an enrollment unlocks (lesson bodies) and who may read a course's roster.</summary>
public abstract class EnrollmentAccessTests(StoreFixture fixture)
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    [Fact]
    public async Task A_lesson_body_is_given_to_a_learner_only_while_enrolled()
    {
        var course = await _client.PublishedCourseAsync();
        var learner = await _client.NewUserAsync();
        var token = learner.Tokens.AccessToken;

        var before = await _client.LessonBodyAsync(token, course.LessonId);
        await _client.EnrollOkAsync(token, course.Id);
        var enrolled = await _client.LessonBodyAsync(token, course.LessonId);
        using (var leave = await _client.SendAsync(HttpMethod.Delete, $"{EnrollmentTestApi.MyEnrollments}/{course.Id}", token))
        {
            Assert.Equal(HttpStatusCode.NoContent, leave.StatusCode);
        }
        var after = await _client.LessonBodyAsync(token, course.LessonId);

        Assert.Null(before);
        Assert.Equal("Lesson body text", enrolled);
        Assert.Null(after);
    }

    [Fact]
    public async Task Enrolling_in_one_course_does_not_unlock_the_lessons_of_another()
    {
        var enrolledIn = await _client.PublishedCourseAsync();
        var other = await _client.PublishedCourseAsync();
        var learner = await _client.NewUserAsync();

        await _client.EnrollOkAsync(learner.Tokens.AccessToken, enrolledIn.Id);

        Assert.Equal("Lesson body text", await _client.LessonBodyAsync(learner.Tokens.AccessToken, enrolledIn.LessonId));
        Assert.Null(await _client.LessonBodyAsync(learner.Tokens.AccessToken, other.LessonId));
    }

    [Fact]
    public async Task The_roster_lists_each_learner_to_the_course_instructor_and_to_admins()
    {
        var course = await _client.PublishedCourseAsync();
        var learner = await _client.NewUserAsync();
        var bystander = await _client.NewUserAsync();
        await _client.EnrollOkAsync(learner.Tokens.AccessToken, course.Id);
        var admin = await _client.LoginAdminAsync();

        foreach (var token in new[] { course.Owner.Tokens.AccessToken, admin.AccessToken })
        {
            using var response = await _client.SendAsync(HttpMethod.Get, $"{EnrollmentTestApi.RosterUrl(course.Id)}?page=1&pageSize=20", token);
            var roster = await response.JsonAsync(HttpStatusCode.OK);
            Assert.Equal(1, roster.GetProperty("total").GetInt32());
            Assert.Equal(1, roster.GetProperty("page").GetInt32());
            Assert.Equal(20, roster.GetProperty("pageSize").GetInt32());
            var item = Assert.Single(roster.GetProperty("items").EnumerateArray());
            Assert.Equal(learner.Id, item.Str("userId"));
            Assert.Equal("Test User", item.Str("name"));
            Assert.Equal(learner.Email, item.Str("email"));
            Assert.Equal("active", item.Str("status"));
            Assert.True(item.UtcTime("enrolledAt") > DateTimeOffset.UtcNow.AddMinutes(-5));
            Assert.True(item.IsNull("expiresAt"), item.GetRawText());
            Assert.DoesNotContain(bystander.Email, roster.GetRawText(), StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task The_roster_pages_with_a_total()
    {
        var course = await _client.PublishedCourseAsync();
        var learners = new List<TestUser>();
        for (var i = 0; i < 3; i++)
        {
            var learner = await _client.NewUserAsync();
            await _client.EnrollOkAsync(learner.Tokens.AccessToken, course.Id);
            learners.Add(learner);
        }
        var token = course.Owner.Tokens.AccessToken;

        var seen = new List<string>();
        for (var page = 1; page <= 2; page++)
        {
            using var response = await _client.SendAsync(HttpMethod.Get, $"{EnrollmentTestApi.RosterUrl(course.Id)}?page={page}&pageSize=2", token);
            var roster = await response.JsonAsync(HttpStatusCode.OK);
            Assert.Equal(3, roster.GetProperty("total").GetInt32());
            Assert.Equal(page, roster.GetProperty("page").GetInt32());
            Assert.Equal(2, roster.GetProperty("pageSize").GetInt32());
            Assert.Equal(page == 1 ? 2 : 1, roster.GetProperty("items").GetArrayLength());
            seen.AddRange(roster.GetProperty("items").EnumerateArray().Select(i => i.Str("userId")));
        }

        Assert.Equal(learners.Select(l => l.Id).Order(), seen.Order());
    }

    [Fact]
    public async Task The_roster_of_a_published_course_is_401_anonymous_and_403_to_students_and_other_instructors()
    {
        var course = await _client.PublishedCourseAsync();
        var learner = await _client.NewUserAsync();
        await _client.EnrollOkAsync(learner.Tokens.AccessToken, course.Id);
        var otherInstructor = await _client.NewUserWithRoleAsync("instructor");

        using var anonymous = await _client.SendAsync(HttpMethod.Get, EnrollmentTestApi.RosterUrl(course.Id), null);
        using var student = await _client.SendAsync(HttpMethod.Get, EnrollmentTestApi.RosterUrl(course.Id), learner.Tokens.AccessToken);
        using var instructor = await _client.SendAsync(HttpMethod.Get, EnrollmentTestApi.RosterUrl(course.Id), otherInstructor.Tokens.AccessToken);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        await student.ProblemAsync(HttpStatusCode.Forbidden);
        await instructor.ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_roster_of_a_draft_course_is_404_to_students_and_other_instructors()
    {
        var course = await _client.PublishedCourseAsync(publish: false);
        var learner = await _client.NewUserAsync();
        var otherInstructor = await _client.NewUserWithRoleAsync("instructor");

        using var student = await _client.SendAsync(HttpMethod.Get, EnrollmentTestApi.RosterUrl(course.Id), learner.Tokens.AccessToken);
        using var instructor = await _client.SendAsync(HttpMethod.Get, EnrollmentTestApi.RosterUrl(course.Id), otherInstructor.Tokens.AccessToken);
        using var owner = await _client.SendAsync(HttpMethod.Get, EnrollmentTestApi.RosterUrl(course.Id), course.Owner.Tokens.AccessToken);

        await student.ProblemAsync(HttpStatusCode.NotFound);
        await instructor.ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, (await owner.JsonAsync(HttpStatusCode.OK)).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_roster_page_size_over_100_is_400_problem()
    {
        var course = await _client.PublishedCourseAsync();

        using var response = await _client.SendAsync(HttpMethod.Get, $"{EnrollmentTestApi.RosterUrl(course.Id)}?page=1&pageSize=101", course.Owner.Tokens.AccessToken);

        await response.ProblemAsync(HttpStatusCode.BadRequest);
    }
}

public sealed class EnrollmentAccessTests_Sqlite(SqliteFixture fixture) : EnrollmentAccessTests(fixture), IClassFixture<SqliteFixture>;

public sealed class EnrollmentAccessTests_Postgres(PostgresRedisFixture fixture) : EnrollmentAccessTests(fixture), IClassFixture<PostgresRedisFixture>;
