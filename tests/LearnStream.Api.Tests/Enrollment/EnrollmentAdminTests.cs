using System.Net;
using LearnStream.Api.Tests.Infrastructure;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;
using static LearnStream.Api.Tests.Enrollment.EnrollmentTestApi;

namespace LearnStream.Api.Tests.Enrollment;

/// <summary>Admin grants and revokes, and what they mean for the learner and the course.</summary>
public abstract class EnrollmentAdminTests(StoreFixture fixture)
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    [Fact]
    public async Task An_admin_grant_is_201_active_even_on_a_paid_course_and_unlocks_its_lessons()
    {
        var course = await _client.PaidCourseAsync();
        var learner = await _client.NewUserAsync();
        var expiresAt = Iso(DateTimeOffset.UtcNow.AddDays(30));

        var granted = await _client.GrantOkAsync(course.Id, learner.Id, expiresAt);

        Assert.Equal(course.Id, granted.Str("courseId"));
        Assert.Equal(learner.Id, granted.Str("userId"));
        Assert.Equal("active", granted.Str("status"));
        Assert.Equal(DateTimeOffset.Parse(expiresAt), granted.UtcTime("expiresAt"));
        var listed = await _client.MyEnrollmentAsync(learner.Tokens.AccessToken, course.Id);
        Assert.Equal("active", listed?.Str("status"));
        Assert.Equal("Lesson body text", await _client.LessonBodyAsync(learner.Tokens.AccessToken, course.LessonId));
    }

    [Fact]
    public async Task Granting_or_revoking_is_401_anonymous_and_403_to_instructors_and_students()
    {
        var course = await _client.PublishedCourseAsync();
        var learner = await _client.NewUserAsync();
        await _client.EnrollOkAsync(learner.Tokens.AccessToken, course.Id);
        var stranger = await _client.NewUserAsync();

        using var anonymous = await _client.GrantAsync(null, course.Id, stranger.Id);
        using var owner = await _client.GrantAsync(course.Owner.Tokens.AccessToken, course.Id, stranger.Id);
        using var student = await _client.GrantAsync(learner.Tokens.AccessToken, course.Id, stranger.Id);
        using var anonymousRevoke = await _client.RevokeAsync(null, course.Id, learner.Id);
        using var ownerRevoke = await _client.RevokeAsync(course.Owner.Tokens.AccessToken, course.Id, learner.Id);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        await owner.ProblemAsync(HttpStatusCode.Forbidden);
        await student.ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousRevoke.StatusCode);
        await ownerRevoke.ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Empty(await _client.MyEnrollmentsAsync(stranger.Tokens.AccessToken));
        Assert.Equal("active", (await _client.MyEnrollmentAsync(learner.Tokens.AccessToken, course.Id))?.Str("status"));
    }

    [Theory]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("not-a-user")]
    public async Task Granting_to_an_unknown_or_malformed_user_id_is_400_on_userId(string userId)
    {
        var course = await _client.PublishedCourseAsync();
        var admin = await _client.LoginAdminAsync();

        using var response = await _client.GrantAsync(admin.AccessToken, course.Id, userId);

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.ErrorsFor("userId"));
    }

    [Fact]
    public async Task Granting_with_an_expiry_in_the_past_is_400_on_expiresAt_and_grants_nothing()
    {
        var course = await _client.PublishedCourseAsync();
        var learner = await _client.NewUserAsync();
        var admin = await _client.LoginAdminAsync();

        using var response = await _client.GrantAsync(admin.AccessToken, course.Id, learner.Id, Iso(DateTimeOffset.UtcNow.AddHours(-1)));

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.ErrorsFor("expiresAt"));
        Assert.Null(await _client.MyEnrollmentAsync(learner.Tokens.AccessToken, course.Id));
    }

    [Fact]
    public async Task Granting_on_an_unknown_course_is_404_problem()
    {
        var learner = await _client.NewUserAsync();
        var admin = await _client.LoginAdminAsync();

        using var response = await _client.GrantAsync(admin.AccessToken, "00000000-0000-0000-0000-000000000000", learner.Id);

        await response.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Granting_again_to_an_active_learner_replaces_the_expiry()
    {
        var course = await _client.PublishedCourseAsync();
        var learner = await _client.NewUserAsync();
        var firstExpiry = Iso(DateTimeOffset.UtcNow.AddDays(10));
        var secondExpiry = Iso(DateTimeOffset.UtcNow.AddDays(20));
        await _client.GrantOkAsync(course.Id, learner.Id, firstExpiry);
        var admin = await _client.LoginAdminAsync();

        using var again = await _client.GrantAsync(admin.AccessToken, course.Id, learner.Id, secondExpiry);

        var body = await again.Content.ReadAsStringAsync();
        Assert.True(again.IsSuccessStatusCode, $"second grant: {(int)again.StatusCode} {body}");
        var granted = await again.JsonAsync(again.StatusCode);
        Assert.Equal(DateTimeOffset.Parse(secondExpiry), granted.UtcTime("expiresAt"));
        var listed = await _client.MyEnrollmentsAsync(learner.Tokens.AccessToken);
        var single = Assert.Single(listed);
        Assert.Equal("active", single.Str("status"));
        Assert.Equal(DateTimeOffset.Parse(secondExpiry), single.UtcTime("expiresAt"));
    }

    [Fact]
    public async Task A_revoke_is_204_marks_the_enrollment_revoked_hides_lessons_and_blocks_self_enrollment()
    {
        var course = await _client.PublishedCourseAsync();
        var learner = await _client.NewUserAsync();
        var token = learner.Tokens.AccessToken;
        await _client.EnrollOkAsync(token, course.Id);
        Assert.Equal("Lesson body text", await _client.LessonBodyAsync(token, course.LessonId));
        var admin = await _client.LoginAdminAsync();

        using var revoke = await _client.RevokeAsync(admin.AccessToken, course.Id, learner.Id);

        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal("revoked", (await _client.MyEnrollmentAsync(token, course.Id))?.Str("status"));
        Assert.Null(await _client.LessonBodyAsync(token, course.LessonId));
        using var reenroll = await _client.EnrollAsync(token, course.Id);
        await reenroll.ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Null(await _client.LessonBodyAsync(token, course.LessonId));
    }

    [Fact]
    public async Task Revoking_a_learner_who_is_not_enrolled_is_404_problem()
    {
        var course = await _client.PublishedCourseAsync();
        var stranger = await _client.NewUserAsync();
        var admin = await _client.LoginAdminAsync();

        using var response = await _client.RevokeAsync(admin.AccessToken, course.Id, stranger.Id);

        await response.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Deleting_a_draft_course_that_has_enrollments_is_409_and_keeps_it()
    {
        var course = await _client.PublishedCourseAsync();
        var learner = await _client.NewUserAsync();
        await _client.GrantOkAsync(course.Id, learner.Id);
        var token = course.Owner.Tokens.AccessToken;
        using (var unpublish = await _client.SendAsync(HttpMethod.Post, $"{Courses}/{course.Id}/unpublish", token))
        {
            Assert.Equal("draft", (await unpublish.JsonAsync(HttpStatusCode.OK)).Str("status"));
        }

        using var delete = await _client.SendAsync(HttpMethod.Delete, $"{Courses}/{course.Id}", token);

        await delete.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.OK, await _client.GetCourseStatusAsync(token, course.Id));
    }
}

public sealed class EnrollmentAdminTests_Sqlite(SqliteFixture fixture) : EnrollmentAdminTests(fixture), IClassFixture<SqliteFixture>;

public sealed class EnrollmentAdminTests_Postgres(PostgresRedisFixture fixture) : EnrollmentAdminTests(fixture), IClassFixture<PostgresRedisFixture>;
