using System.Net;
using System.Text.Json;
using LearnStream.Api.Tests.Enrollment;
using LearnStream.Api.Tests.Infrastructure;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;

namespace LearnStream.Api.Tests.Analytics;

/// <summary>Course and lesson analytics through HTTP: learners send beats, instructors and admins read the figures.</summary>
public abstract class AnalyticsApiTests(StoreFixture fixture)
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    /// <summary>
    /// Three learners watch and complete, a fourth enrolls and does nothing, and the second is revoked
    /// after watching: 3 viewers, 3 active enrollments.
    /// </summary>
    private async Task<AnalyticsCourse> WatchedCourseAsync()
    {
        var course = await fixture.AnalyticsCourseAsync(_client);
        var (ann, bob, cid) = (await _client.AnalyticsLearnerAsync(course.Id), await _client.AnalyticsLearnerAsync(course.Id), await _client.AnalyticsLearnerAsync(course.Id));
        await _client.AnalyticsLearnerAsync(course.Id);

        // Ann: 95 s of the first video (complete at 0.9), 30 s of the second, the text read.
        await _client.WatchForAnalyticsAsync(ann, course.Video1, [0, 50], [40, 95]);
        await _client.WatchForAnalyticsAsync(ann, course.Video2, [0, 30]);
        await _client.CompleteForAnalyticsAsync(ann, course.Text);
        // Bob: two pieces of the first video, 30 s in all; rewatching [0, 20] adds nothing.
        await _client.WatchForAnalyticsAsync(bob, course.Video1, [0, 20], [60, 70], [0, 20]);
        // Cid: everything.
        await _client.WatchForAnalyticsAsync(cid, course.Video1, [0, 100]);
        await _client.WatchForAnalyticsAsync(cid, course.Video2, [0, 60], [60, 100]);
        await _client.CompleteForAnalyticsAsync(cid, course.Text);

        using (var revoke = await _client.RevokeAsync((await _client.LoginAdminAsync()).AccessToken, course.Id, bob.Id))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }
        await fixture.FlushForAnalyticsAsync();
        return course;
    }

    [Fact]
    public async Task Lesson_analytics_count_viewers_completions_watch_time_and_drop_off_per_tenth()
    {
        var course = await WatchedCourseAsync();
        var token = course.Owner.Tokens.AccessToken;

        var first = await _client.GetAnalyticsOkAsync(token, AnalyticsTestApi.LessonAnalyticsUrl(course.Video1));
        var second = await _client.GetAnalyticsOkAsync(token, AnalyticsTestApi.LessonAnalyticsUrl(course.Video2));
        var text = await _client.GetAnalyticsOkAsync(token, AnalyticsTestApi.LessonAnalyticsUrl(course.Text));

        Assert.Equal((course.Video1, course.Id, "First video", "video", 100.0), (first.Str("lessonId"), first.Str("courseId"), first.Str("title"), first.Str("kind"), first.AnalyticsNumber("duration")));
        Assert.Equal((3, 2), (first.GetProperty("viewers").GetInt32(), first.GetProperty("completions").GetInt32()));
        Assert.Equal((66.7, 225.0, 75.0), (first.AnalyticsNumber("completionRate"), first.AnalyticsNumber("totalWatchSeconds"), first.AnalyticsNumber("averageWatchSeconds")));
        Assert.Equal([100, 100, 66.7, 66.7, 66.7, 66.7, 100, 66.7, 66.7, 66.7], first.AnalyticsNumbers("dropOff"));

        Assert.Equal((2, 1), (second.GetProperty("viewers").GetInt32(), second.GetProperty("completions").GetInt32()));
        Assert.Equal((50.0, 130.0, 65.0), (second.AnalyticsNumber("completionRate"), second.AnalyticsNumber("totalWatchSeconds"), second.AnalyticsNumber("averageWatchSeconds")));
        Assert.Equal([100, 100, 100, 50, 50, 50, 50, 50, 50, 50], second.AnalyticsNumbers("dropOff"));

        Assert.Equal(("text", 2, 2, 100.0), (text.Str("kind"), text.GetProperty("viewers").GetInt32(), text.GetProperty("completions").GetInt32(), text.AnalyticsNumber("completionRate")));
        Assert.Empty(text.AnalyticsNumbers("dropOff"));
        Assert.Equal(JsonValueKind.Null, text.GetProperty("duration").ValueKind);
    }

    [Fact]
    public async Task Course_analytics_give_enrollments_viewers_activity_completion_funnel_and_daily_series()
    {
        var course = await WatchedCourseAsync();
        var admin = await _client.LoginAdminAsync();

        foreach (var token in new[] { course.Owner.Tokens.AccessToken, admin.AccessToken })
        {
            var a = await _client.GetAnalyticsOkAsync(token, AnalyticsTestApi.CourseAnalyticsUrl(course.Id));

            Assert.Equal(course.Id, a.Str("courseId"));
            Assert.Equal((3, 3, 3, 3, 1), (a.GetProperty("enrollments").GetInt32(), a.GetProperty("viewers").GetInt32(),
                a.GetProperty("activeLearners7d").GetInt32(), a.GetProperty("activeLearners30d").GetInt32(), a.GetProperty("completedLearners").GetInt32()));
            Assert.Equal(355.0, a.AnalyticsNumber("totalWatchSeconds"));
            Assert.Equal(33.3, a.AnalyticsNumber("completionRate"));
            // Ann 2 of 3 lessons, Bob none, Cid all: (66.7 + 0 + 100) / 3.
            Assert.Equal(55.6, a.AnalyticsNumber("averageCompletionPercent"));

            var funnel = a.GetProperty("funnel").EnumerateArray().ToList();
            Assert.Equal([course.Video1, course.Video2, course.Text], funnel.Select(f => f.Str("lessonId")));
            Assert.Equal([(3, 2, 66.7), (2, 1, 50.0), (2, 2, 100.0)],
                funnel.Select(f => (f.GetProperty("viewers").GetInt32(), f.GetProperty("completions").GetInt32(), f.AnalyticsNumber("completionRate"))));

            var daily = a.GetProperty("daily").EnumerateArray().ToList();
            Assert.Equal(30, daily.Count);
            var today = DateOnly.FromDateTime(a.GetProperty("computedAt").GetDateTimeOffset().UtcDateTime);
            Assert.Equal(today, DateOnly.Parse(daily[^1].Str("date"), System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(today.AddDays(-29), DateOnly.Parse(daily[0].Str("date"), System.Globalization.CultureInfo.InvariantCulture));
            // Summed over the series, so a test running across midnight UTC still adds up.
            Assert.Equal(3, daily.Sum(d => d.GetProperty("newViewers").GetInt32()));
            Assert.Equal(5, daily.Sum(d => d.GetProperty("completions").GetInt32()));
            Assert.InRange(daily[^1].GetProperty("activeLearners").GetInt32(), 1, 3);

            // Each lesson's figures, drop-off included, as the lesson route gives them.
            var lessons = a.GetProperty("lessons").EnumerateArray().ToList();
            Assert.Equal([course.Video1, course.Video2, course.Text], lessons.Select(l => l.Str("lessonId")));
            Assert.Equal([100, 100, 100, 50, 50, 50, 50, 50, 50, 50], lessons[1].AnalyticsNumbers("dropOff"));
        }
    }

    [Fact]
    public async Task A_course_nobody_watched_has_zero_figures_not_an_error()
    {
        var course = await fixture.AnalyticsCourseAsync(_client);
        var token = course.Owner.Tokens.AccessToken;

        var a = await _client.GetAnalyticsOkAsync(token, AnalyticsTestApi.CourseAnalyticsUrl(course.Id));
        var lesson = await _client.GetAnalyticsOkAsync(token, AnalyticsTestApi.LessonAnalyticsUrl(course.Video1));

        Assert.Equal((0, 0, 0.0, 0.0), (a.GetProperty("viewers").GetInt32(), a.GetProperty("enrollments").GetInt32(), a.AnalyticsNumber("completionRate"), a.AnalyticsNumber("averageCompletionPercent")));
        Assert.Equal((0, 0.0, 0.0), (lesson.GetProperty("viewers").GetInt32(), lesson.AnalyticsNumber("completionRate"), lesson.AnalyticsNumber("averageWatchSeconds")));
        Assert.Equal(new double[10], lesson.AnalyticsNumbers("dropOff"));
    }

    [Fact]
    public async Task Only_the_course_instructors_and_admins_may_read_analytics()
    {
        var course = await fixture.AnalyticsCourseAsync(_client);
        var enrolled = await _client.AnalyticsLearnerAsync(course.Id);
        var otherInstructor = await _client.NewUserWithRoleAsync("instructor");
        var admin = await _client.LoginAdminAsync();

        foreach (var url in new[] { AnalyticsTestApi.CourseAnalyticsUrl(course.Id), AnalyticsTestApi.LessonAnalyticsUrl(course.Video1) })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await _client.GetAnalyticsStatusAsync(null, url));
            Assert.Equal(HttpStatusCode.Forbidden, await _client.GetAnalyticsStatusAsync(enrolled.Tokens.AccessToken, url));
            Assert.Equal(HttpStatusCode.Forbidden, await _client.GetAnalyticsStatusAsync(otherInstructor.Tokens.AccessToken, url));
            Assert.Equal(HttpStatusCode.OK, await _client.GetAnalyticsStatusAsync(course.Owner.Tokens.AccessToken, url));
            Assert.Equal(HttpStatusCode.OK, await _client.GetAnalyticsStatusAsync(admin.AccessToken, url));
        }
    }

    [Fact]
    public async Task Unknown_or_oversized_ids_are_404_problems()
    {
        var admin = await _client.LoginAdminAsync();

        foreach (var url in new[]
        {
            AnalyticsTestApi.CourseAnalyticsUrl(Guid.NewGuid().ToString()), AnalyticsTestApi.LessonAnalyticsUrl(Guid.NewGuid().ToString()),
            AnalyticsTestApi.CourseAnalyticsUrl(new string('x', 500)), AnalyticsTestApi.LessonAnalyticsUrl(new string('x', 500)),
        })
        {
            Assert.Equal(HttpStatusCode.NotFound, await _client.GetAnalyticsStatusAsync(admin.AccessToken, url));
        }
    }

    [Fact]
    public async Task A_draft_course_is_404_to_learners_as_in_the_catalog_and_readable_by_its_instructor()
    {
        var owner = await _client.NewUserWithRoleAsync("instructor");
        var id = (await _client.CreateCourseAsync(owner.Tokens.AccessToken, $"Draft {Marker()}")).Str("id");
        var learner = await _client.NewUserAsync();

        Assert.Equal(HttpStatusCode.NotFound, await _client.GetAnalyticsStatusAsync(learner.Tokens.AccessToken, AnalyticsTestApi.CourseAnalyticsUrl(id)));
        var a = await _client.GetAnalyticsOkAsync(owner.Tokens.AccessToken, AnalyticsTestApi.CourseAnalyticsUrl(id));
        Assert.Empty(a.GetProperty("funnel").EnumerateArray());
    }
}

public sealed class AnalyticsApiTests_Sqlite(SqliteFixture fixture) : AnalyticsApiTests(fixture), IClassFixture<SqliteFixture>;

public sealed class AnalyticsApiTests_Postgres(PostgresRedisFixture fixture) : AnalyticsApiTests(fixture), IClassFixture<PostgresRedisFixture>;
