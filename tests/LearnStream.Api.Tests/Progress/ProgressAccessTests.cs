using System.Net;
using LearnStream.Api.Features.Video;
using LearnStream.Api.Tests.Enrollment;
using LearnStream.Api.Tests.Infrastructure;
using LearnStream.Api.Tests.Payments;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;
using static LearnStream.Api.Tests.Progress.ProgressTestApi;

namespace LearnStream.Api.Tests.Progress;

/// <summary>Who may report and read progress: enrolled learners, each only their own.</summary>
public abstract class ProgressAccessTests(StoreFixture fixture)
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    private async Task<(ProgressCourse Course, TestUser Learner)> EnrolledAsync(int videos = 1, int texts = 1)
    {
        var course = await fixture.ProgressCourseAsync(_client, videos, texts);
        var learner = await _client.NewUserAsync();
        await _client.EnrollOkAsync(learner.Tokens.AccessToken, course.Id);
        return (course, learner);
    }

    [Fact]
    public async Task Anonymous_callers_are_401_everywhere()
    {
        var (course, _) = await EnrolledAsync();

        using var beat = await _client.SendBeatAsync(null, course.Video, Beat("s1", 1, 5, [[0, 5]]));
        using var complete = await _client.SendCompleteAsync(null, course.Text);
        using var courseProgress = await _client.SendAsync(HttpMethod.Get, CourseProgressUrl(course.Id), null);
        using var mine = await _client.SendAsync(HttpMethod.Get, MyProgress, null);
        using var history = await _client.SendHistoryAsync(null);

        Assert.All(new[] { beat, complete, courseProgress, mine, history }, r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
    }

    [Fact]
    public async Task A_learner_not_enrolled_is_403_and_records_nothing()
    {
        var course = await fixture.ProgressCourseAsync(_client);
        var stranger = await _client.NewUserAsync();
        var token = stranger.Tokens.AccessToken;

        using var beat = await _client.SendBeatAsync(token, course.Video, Beat("s1", 1, 5, [[0, 5]]));
        using var complete = await _client.SendCompleteAsync(token, course.Text);
        using var courseProgress = await _client.SendAsync(HttpMethod.Get, CourseProgressUrl(course.Id), token);

        await beat.ProblemAsync(HttpStatusCode.Forbidden);
        await complete.ProblemAsync(HttpStatusCode.Forbidden);
        await courseProgress.ProblemAsync(HttpStatusCode.Forbidden);
        var history = await _client.GetHistoryAsync(token);
        Assert.Equal(0, history.GetProperty("total").GetInt32());
        Assert.Empty(await _client.GetMyProgressAsync(token));
    }

    [Fact]
    public async Task A_refunded_learner_is_403()
    {
        var purchase = await _client.ManualPurchaseAsync();
        using (var before = await _client.SendCompleteAsync(purchase.Token, purchase.Course.LessonId))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await _client.RefundOkAsync(purchase.OrderId);
        using var complete = await _client.SendCompleteAsync(purchase.Token, purchase.Course.LessonId);
        using var courseProgress = await _client.SendAsync(HttpMethod.Get, CourseProgressUrl(purchase.Course.Id), purchase.Token);

        await complete.ProblemAsync(HttpStatusCode.Forbidden);
        await courseProgress.ProblemAsync(HttpStatusCode.Forbidden);
        Assert.DoesNotContain(await _client.GetMyProgressAsync(purchase.Token), r => r.Str("courseId") == purchase.Course.Id);
    }

    [Fact]
    public async Task A_revoked_learner_is_403()
    {
        var (course, learner) = await EnrolledAsync();
        var token = learner.Tokens.AccessToken;
        await _client.SendBeatOkAsync(token, course.Video, Beat("s1", 1, 5, [[0, 5]]));
        var admin = await _client.LoginAdminAsync();

        using (var revoke = await _client.RevokeAsync(admin.AccessToken, course.Id, learner.Id))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }
        using var beat = await _client.SendBeatAsync(token, course.Video, Beat("s1", 2, 10, [[5, 10]]));
        using var courseProgress = await _client.SendAsync(HttpMethod.Get, CourseProgressUrl(course.Id), token);

        await beat.ProblemAsync(HttpStatusCode.Forbidden);
        await courseProgress.ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Empty(await _client.GetMyProgressAsync(token));
    }

    [Fact]
    public async Task Each_learner_sees_only_their_own_progress()
    {
        var (course, first) = await EnrolledAsync();
        var second = await _client.NewUserAsync();
        await _client.EnrollOkAsync(second.Tokens.AccessToken, course.Id);

        await _client.SendBeatOkAsync(first.Tokens.AccessToken, course.Video, Beat("s1", 1, 95, [[0, 95]]));
        using (var complete = await _client.SendCompleteAsync(first.Tokens.AccessToken, course.Text))
        {
            Assert.Equal(HttpStatusCode.OK, complete.StatusCode);
        }
        var firstView = await _client.GetCourseProgressAsync(first.Tokens.AccessToken, course.Id);
        var secondView = await _client.GetCourseProgressAsync(second.Tokens.AccessToken, course.Id);
        var secondHistory = await _client.GetHistoryAsync(second.Tokens.AccessToken);
        var secondRow = Assert.Single(await _client.GetMyProgressAsync(second.Tokens.AccessToken));

        Assert.Equal(100, firstView.Num("percent"));
        Assert.Equal((0.0, 0), (secondView.Num("percent"), secondView.GetProperty("completedLessons").GetInt32()));
        Assert.All(secondView.GetProperty("lessons").EnumerateArray(), l => Assert.Equal((0.0, false, 0.0), (l.Num("percent"), l.Flag("completed"), l.Num("position"))));
        Assert.Equal(0, secondHistory.GetProperty("total").GetInt32());
        Assert.Equal((0.0, true), (secondRow.Num("percent"), secondRow.IsNull("lastWatchedAt")));
    }

    [Fact]
    public async Task Unknown_lessons_and_courses_are_404()
    {
        var learner = await _client.NewUserAsync();
        var token = learner.Tokens.AccessToken;
        var unknown = Guid.NewGuid().ToString();

        using var beat = await _client.SendBeatAsync(token, unknown, Beat("s1", 1, 5, [[0, 5]]));
        using var complete = await _client.SendCompleteAsync(token, unknown);
        using var courseProgress = await _client.SendAsync(HttpMethod.Get, CourseProgressUrl(unknown), token);
        using var tooLong = await _client.SendBeatAsync(token, new string('x', 300), Beat("s1", 1, 5, [[0, 5]]));

        foreach (var response in new[] { beat, complete, courseProgress, tooLong })
        {
            await response.ProblemAsync(HttpStatusCode.NotFound);
        }
    }

    [Fact]
    public async Task Beats_see_catalog_changes_at_once_despite_the_cached_lesson_lookup()
    {
        var (course, learner) = await EnrolledAsync(videos: 2, texts: 0);
        var token = learner.Tokens.AccessToken;
        var owner = course.Owner.Tokens.AccessToken;
        await _client.SendBeatOkAsync(token, course.VideoIds[0], Beat("s1", 1, 5, [[0, 5]]));
        await _client.SendBeatOkAsync(token, course.VideoIds[1], Beat("s2", 1, 5, [[0, 5]]));

        using (var delete = await _client.SendAsync(HttpMethod.Delete, $"/api/v1/lessons/{course.VideoIds[0]}", owner))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }
        using var deleted = await _client.SendBeatAsync(token, course.VideoIds[0], Beat("s1", 2, 10, [[5, 10]]));
        using (var unpublish = await _client.SendAsync(HttpMethod.Post, $"{Courses}/{course.Id}/unpublish", owner))
        {
            Assert.Equal(HttpStatusCode.OK, unpublish.StatusCode);
        }
        using var unpublished = await _client.SendBeatAsync(token, course.VideoIds[1], Beat("s2", 2, 10, [[5, 10]]));

        await deleted.ProblemAsync(HttpStatusCode.NotFound);
        await unpublished.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_draft_course_is_404_to_a_learner_and_open_to_its_instructor()
    {
        var course = await fixture.ProgressCourseAsync(_client, publish: false);
        var learner = await _client.NewUserAsync();

        using var beat = await _client.SendBeatAsync(learner.Tokens.AccessToken, course.Video, Beat("s1", 1, 5, [[0, 5]]));
        using var courseProgress = await _client.SendAsync(HttpMethod.Get, CourseProgressUrl(course.Id), learner.Tokens.AccessToken);
        var ownBeat = await _client.SendBeatOkAsync(course.Owner.Tokens.AccessToken, course.Video, Beat("s1", 1, 5, [[0, 5]]));

        await beat.ProblemAsync(HttpStatusCode.NotFound);
        await courseProgress.ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(5, ownBeat.Num("watchedSeconds"));
    }

    [Fact]
    public async Task A_beat_for_a_text_lesson_is_409_and_completing_a_video_lesson_is_409()
    {
        var (course, learner) = await EnrolledAsync();
        var token = learner.Tokens.AccessToken;

        using var beat = await _client.SendBeatAsync(token, course.Text, Beat("s1", 1, 5, [[0, 5]]));
        using var complete = await _client.SendCompleteAsync(token, course.Video);

        var beatProblem = await beat.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains($"/lessons/{course.Text}/complete", beatProblem.Str("detail"), StringComparison.Ordinal);
        var completeProblem = await complete.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("watching", completeProblem.Str("detail"), StringComparison.Ordinal);
        var progress = await _client.GetCourseProgressAsync(token, course.Id);
        Assert.Equal(0, progress.GetProperty("completedLessons").GetInt32());
    }

    [Theory]
    [InlineData(VideoStatus.Processing, null)]
    [InlineData(VideoStatus.Errored, null)]
    [InlineData(VideoStatus.Ready, null)]
    [InlineData(VideoStatus.Ready, 0.0)]
    public async Task A_beat_for_a_video_not_ready_to_watch_is_409(VideoStatus status, double? duration)
    {
        var (course, learner) = await EnrolledAsync(videos: 2, texts: 0);
        await fixture.SetVideoAsync(course.Id, course.VideoIds[1], status, duration);

        using var beat = await _client.SendBeatAsync(learner.Tokens.AccessToken, course.VideoIds[1], Beat("s1", 1, 5, [[0, 5]]));

        await beat.ProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_beat_for_a_video_lesson_without_a_video_is_409()
    {
        var (course, learner) = await EnrolledAsync(videos: 1, texts: 0);
        var lesson = await _client.AddLessonAsync(course.Owner.Tokens.AccessToken, course.Id,
            (await _client.GetCourseAsync(course.Owner.Tokens.AccessToken, course.Id)).GetProperty("sections")[0].Str("id"),
            "No video yet", kind: "video", body: null);

        using var beat = await _client.SendBeatAsync(learner.Tokens.AccessToken, lesson.Str("id"), Beat("s1", 1, 5, [[0, 5]]));

        var problem = await beat.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("not ready", problem.Str("detail"), StringComparison.Ordinal);
    }
}

public sealed class ProgressAccessTests_Sqlite(SqliteFixture fixture) : ProgressAccessTests(fixture), IClassFixture<SqliteFixture>;

public sealed class ProgressAccessTests_Postgres(PostgresRedisFixture fixture) : ProgressAccessTests(fixture), IClassFixture<PostgresRedisFixture>;
