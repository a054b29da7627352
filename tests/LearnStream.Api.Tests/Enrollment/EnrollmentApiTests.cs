using System.Net;
using System.Text.Json;
using LearnStream.Api.Tests.Infrastructure;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;

namespace LearnStream.Api.Tests.Enrollment;

/// <summary>A learner enrolling, listing and leaving courses.</summary>
public abstract class EnrollmentApiTests(StoreFixture fixture)
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Enrolling_in_a_free_published_course_is_201_with_an_active_enrollment(bool zeroPrice)
    {
        var owner = await _client.NewUserWithRoleAsync("instructor");
        var token = owner.Tokens.AccessToken;
        object body = zeroPrice
            ? new { title = $"Zero price {Marker()}", price = new { amount = 0, currency = "USD" } }
            : new { title = $"No price {Marker()}" };
        var courseId = (await _client.CreateCourseAsync(token, body)).Str("id");
        var section = await _client.AddSectionAsync(token, courseId);
        await _client.AddLessonAsync(token, courseId, section.Str("id"));
        await _client.PublishAsync(token, courseId);
        var learner = await _client.NewUserAsync();

        var enrollment = await _client.EnrollOkAsync(learner.Tokens.AccessToken, courseId);

        Assert.Equal(courseId, enrollment.Str("courseId"));
        Assert.Equal(learner.Id, enrollment.Str("userId"));
        Assert.Equal("active", enrollment.Str("status"));
        var enrolledAt = enrollment.UtcTime("enrolledAt");
        Assert.InRange(enrolledAt, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.True(enrollment.IsNull("expiresAt"), $"expiresAt should be present and null: {enrollment.GetRawText()}");
    }

    [Fact]
    public async Task Enrolling_twice_is_409_problem_and_the_course_is_listed_once()
    {
        var course = await _client.PublishedCourseAsync();
        var learner = await _client.NewUserAsync();
        await _client.EnrollOkAsync(learner.Tokens.AccessToken, course.Id);

        using var again = await _client.EnrollAsync(learner.Tokens.AccessToken, course.Id);

        await again.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Single(await _client.MyEnrollmentsAsync(learner.Tokens.AccessToken));
    }

    [Fact]
    public async Task Enrolling_in_a_paid_course_is_402_problem_and_enrolls_nobody()
    {
        var course = await _client.PaidCourseAsync();
        var learner = await _client.NewUserAsync();

        using var response = await _client.EnrollAsync(learner.Tokens.AccessToken, course.Id);

        await response.ProblemAsync(HttpStatusCode.PaymentRequired);
        Assert.Empty(await _client.MyEnrollmentsAsync(learner.Tokens.AccessToken));
        Assert.Null(await _client.LessonBodyAsync(learner.Tokens.AccessToken, course.LessonId));
    }

    [Fact]
    public async Task Enrolling_or_listing_enrollments_anonymously_is_401()
    {
        var course = await _client.PublishedCourseAsync();

        using var enroll = await _client.EnrollAsync(null, course.Id);
        using var list = await _client.SendAsync(HttpMethod.Get, EnrollmentTestApi.MyEnrollments, null);
        using var leave = await _client.SendAsync(HttpMethod.Delete, $"{EnrollmentTestApi.MyEnrollments}/{course.Id}", null);

        Assert.Equal(HttpStatusCode.Unauthorized, enroll.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, leave.StatusCode);
    }

    [Fact]
    public async Task Enrolling_in_a_draft_or_archived_course_is_404_problem()
    {
        var draft = await _client.PublishedCourseAsync(publish: false);
        var archived = await _client.PublishedCourseAsync();
        using (var archive = await _client.SendAsync(HttpMethod.Post, $"{Courses}/{archived.Id}/archive", archived.Owner.Tokens.AccessToken))
        {
            Assert.Equal("archived", (await archive.JsonAsync(HttpStatusCode.OK)).Str("status"));
        }
        var learner = await _client.NewUserAsync();

        foreach (var course in new[] { draft, archived })
        {
            using var response = await _client.EnrollAsync(learner.Tokens.AccessToken, course.Id);
            await response.ProblemAsync(HttpStatusCode.NotFound);
        }
        Assert.Empty(await _client.MyEnrollmentsAsync(learner.Tokens.AccessToken));
    }

    [Theory]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("not-a-course")]
    public async Task Enrolling_in_an_unknown_or_malformed_course_id_is_404_problem(string courseId)
    {
        var learner = await _client.NewUserAsync();

        using var response = await _client.EnrollAsync(learner.Tokens.AccessToken, courseId);

        await response.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Twenty_concurrent_enrolls_by_one_learner_give_one_201_and_nineteen_409()
    {
        var course = await _client.PublishedCourseAsync();
        var learner = await _client.NewUserAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => _client.EnrollAsync(learner.Tokens.AccessToken, course.Id)));
        var codes = responses.Select(r => (int)r.StatusCode).ToList();
        foreach (var response in responses)
        {
            response.Dispose();
        }

        Assert.True(codes.Count(c => c == 201) == 1 && codes.Count(c => c == 409) == 19, $"status codes: {string.Join(",", codes)}");
        Assert.Single(await _client.MyEnrollmentsAsync(learner.Tokens.AccessToken));
    }

    [Fact]
    public async Task My_enrollments_are_only_mine_newest_first_with_titles_and_zero_progress()
    {
        var first = await _client.PublishedCourseAsync($"First {Marker()}");
        var second = await _client.PublishedCourseAsync($"Second {Marker()}");
        var learner = await _client.NewUserAsync();
        var other = await _client.NewUserAsync();
        var otherCourse = await _client.PublishedCourseAsync();
        await _client.EnrollOkAsync(learner.Tokens.AccessToken, first.Id);
        await Task.Delay(20);
        await _client.EnrollOkAsync(learner.Tokens.AccessToken, second.Id);
        await _client.EnrollOkAsync(other.Tokens.AccessToken, otherCourse.Id);

        var mine = await _client.MyEnrollmentsAsync(learner.Tokens.AccessToken);

        Assert.Equal([second.Id, first.Id], mine.Select(e => e.Str("courseId")));
        Assert.Equal((await _client.GetCourseAsync(null, second.Id)).Str("title"), mine[0].Str("courseTitle"));
        Assert.StartsWith("First ", mine[1].Str("courseTitle"), StringComparison.Ordinal);
        Assert.All(mine, e =>
        {
            Assert.Equal("active", e.Str("status"));
            Assert.True(e.UtcTime("enrolledAt") > DateTimeOffset.UtcNow.AddMinutes(-5));
            Assert.True(e.IsNull("expiresAt"), e.GetRawText());
            Assert.Equal(JsonValueKind.Number, e.GetProperty("progressPercent").ValueKind);
            Assert.Equal(0, e.GetProperty("progressPercent").GetDouble());
        });
        Assert.True(mine[0].UtcTime("enrolledAt") >= mine[1].UtcTime("enrolledAt"));
        Assert.Equal([otherCourse.Id], (await _client.MyEnrollmentsAsync(other.Tokens.AccessToken)).Select(e => e.Str("courseId")));
    }

    [Fact]
    public async Task Unenrolling_is_204_removes_the_enrollment_and_the_course_can_be_enrolled_again()
    {
        var course = await _client.PublishedCourseAsync();
        var learner = await _client.NewUserAsync();
        var token = learner.Tokens.AccessToken;
        await _client.EnrollOkAsync(token, course.Id);

        using var leave = await _client.SendAsync(HttpMethod.Delete, $"{EnrollmentTestApi.MyEnrollments}/{course.Id}", token);

        Assert.Equal(HttpStatusCode.NoContent, leave.StatusCode);
        var after = await _client.MyEnrollmentAsync(token, course.Id);
        Assert.True(after is null || after.Value.Str("status") != "active", $"still active after unenrolling: {after?.GetRawText()}");
        var again = await _client.EnrollOkAsync(token, course.Id);
        Assert.Equal("active", again.Str("status"));
        Assert.Equal("active", (await _client.MyEnrollmentAsync(token, course.Id))?.Str("status"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Unenrolling_from_a_course_one_is_not_enrolled_in_is_404_problem(bool courseExists)
    {
        var course = await _client.PublishedCourseAsync();
        var learner = await _client.NewUserAsync();
        var courseId = courseExists ? course.Id : "00000000-0000-0000-0000-000000000000";

        using var response = await _client.SendAsync(HttpMethod.Delete, $"{EnrollmentTestApi.MyEnrollments}/{courseId}", learner.Tokens.AccessToken);

        await response.ProblemAsync(HttpStatusCode.NotFound);
    }
}

public sealed class EnrollmentApiTests_Sqlite(SqliteFixture fixture) : EnrollmentApiTests(fixture), IClassFixture<SqliteFixture>;

public sealed class EnrollmentApiTests_Postgres(PostgresRedisFixture fixture) : EnrollmentApiTests(fixture), IClassFixture<PostgresRedisFixture>;
