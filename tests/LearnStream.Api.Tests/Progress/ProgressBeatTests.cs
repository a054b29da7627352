using System.Net;
using LearnStream.Api.Tests.Enrollment;
using LearnStream.Api.Tests.Infrastructure;
using LearnStream.Api.Tests.Video;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;
using static LearnStream.Api.Tests.Progress.ProgressTestApi;

namespace LearnStream.Api.Tests.Progress;

/// <summary>What beats do to a learner's progress in a video lesson: coverage, completion, resume position.</summary>
public abstract class ProgressBeatTests(StoreFixture fixture)
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    private async Task<(ProgressCourse Course, string Token)> EnrolledAsync()
    {
        var course = await fixture.ProgressCourseAsync(_client);
        var learner = await _client.NewUserAsync();
        await _client.EnrollOkAsync(learner.Tokens.AccessToken, course.Id);
        return (course, learner.Tokens.AccessToken);
    }

    [Fact]
    public async Task Beats_add_up_the_seconds_watched_counting_overlaps_once()
    {
        var (course, token) = await EnrolledAsync();

        var first = await _client.SendBeatOkAsync(token, course.Video, Beat("s1", 1, 20, [[0, 20]]));
        var second = await _client.SendBeatOkAsync(token, course.Video, Beat("s1", 2, 30, [[10, 30]]));
        var third = await _client.SendBeatOkAsync(token, course.Video, Beat("s1", 3, 55, [[0, 5], [50, 55]]));

        Assert.Equal(course.Video, first.Str("lessonId"));
        Assert.Equal((20.0, 20.0, false), (first.Num("watchedSeconds"), first.Num("percent"), first.Flag("completed")));
        Assert.Equal((30.0, 30.0), (second.Num("watchedSeconds"), second.Num("percent")));
        Assert.Equal((35.0, 35.0, 55.0), (third.Num("watchedSeconds"), third.Num("percent"), third.Num("position")));
        var stored = (await _client.GetCourseProgressAsync(token, course.Id)).LessonEntry(course.Video);
        Assert.Equal((35.0, false, 55.0), (stored.Num("percent"), stored.Flag("completed"), stored.Num("position")));
    }

    [Fact]
    public async Task Replayed_duplicated_and_reordered_beats_leave_the_state_of_one_ordered_delivery()
    {
        var (course, orderedToken) = await EnrolledAsync();
        var other = await _client.NewUserAsync();
        await _client.EnrollOkAsync(other.Tokens.AccessToken, course.Id);
        var shuffledToken = other.Tokens.AccessToken;
        object[] beats =
        [
            Beat("s1", 1, 10, [[0, 10]], "play"),
            Beat("s1", 2, 25, [[10, 25]]),
            Beat("s1", 3, 60, [[25, 30]], "seek"),
            Beat("s1", 4, 75, [[60, 75]], "pause"),
        ];

        foreach (var beat in beats)
        {
            await _client.SendBeatOkAsync(orderedToken, course.Video, beat);
        }
        foreach (var index in new[] { 3, 1, 1, 0, 3, 2, 0 })
        {
            await _client.SendBeatOkAsync(shuffledToken, course.Video, beats[index]);
        }
        var ordered = (await _client.GetCourseProgressAsync(orderedToken, course.Id)).LessonEntry(course.Video);
        var shuffled = (await _client.GetCourseProgressAsync(shuffledToken, course.Id)).LessonEntry(course.Video);
        var replayed = await _client.SendBeatOkAsync(orderedToken, course.Video, beats[1]);

        Assert.Equal((45.0, 75.0), (ordered.Num("percent"), ordered.Num("position")));
        Assert.Equal(ordered.GetRawText(), shuffled.GetRawText());
        Assert.Equal((45.0, 45.0, 75.0), (replayed.Num("watchedSeconds"), replayed.Num("percent"), replayed.Num("position")));
    }

    [Fact]
    public async Task Seeking_to_the_end_and_ending_completes_nothing()
    {
        var (course, token) = await EnrolledAsync();

        await _client.SendBeatOkAsync(token, course.Video, Beat("s1", 1, 5, [[0, 5]], "play"));
        await _client.SendBeatOkAsync(token, course.Video, Beat("s1", 2, 99, [], "seek"));
        var ended = await _client.SendBeatOkAsync(token, course.Video, Beat("s1", 3, 100, [[99, 100]], "ended"));

        Assert.False(ended.Flag("completed"));
        Assert.Equal(6, ended.Num("watchedSeconds"));
        var progress = await _client.GetCourseProgressAsync(token, course.Id);
        Assert.Equal((0, 0.0), (progress.GetProperty("completedLessons").GetInt32(), progress.Num("percent")));
        Assert.False(progress.LessonEntry(course.Video).Flag("completed"));
    }

    [Fact]
    public async Task Watching_the_threshold_share_of_the_video_completes_it_and_it_stays_complete()
    {
        var (course, token) = await EnrolledAsync();

        var below = await _client.SendBeatOkAsync(token, course.Video, Beat("s1", 1, 89, [[0, 89]]));
        var reached = await _client.SendBeatOkAsync(token, course.Video, Beat("s1", 2, 90, [[89, 90]]));
        await NextMillisecondAsync(); // s2 starts after s1, so it gives the position (a tie would fall back to ids)
        var rewatched = await _client.SendBeatOkAsync(token, course.Video, Beat("s2", 1, 3, [[0, 3]], "seek"));

        Assert.False(below.Flag("completed"));
        Assert.True(reached.Flag("completed"));
        Assert.True(rewatched.Flag("completed"));
        Assert.Equal(3, rewatched.Num("position"));
        var progress = await _client.GetCourseProgressAsync(token, course.Id);
        Assert.True(progress.LessonEntry(course.Video).Flag("completed"));
        Assert.Equal(1, progress.GetProperty("completedLessons").GetInt32());
    }

    [Fact]
    public async Task Intervals_and_positions_past_the_end_are_clamped_to_the_video()
    {
        var (course, token) = await EnrolledAsync();

        var beat = await _client.SendBeatOkAsync(token, course.Video, Beat("s1", 1, 5000, [[95, 4000], [0, 2]]));

        Assert.Equal(7, beat.Num("watchedSeconds"));
        Assert.Equal(7, beat.Num("percent"));
        Assert.Equal(VideoSeconds, beat.Num("position"));
        Assert.False(beat.Flag("completed"));
    }

    [Fact]
    public async Task Resume_follows_the_highest_sequence_of_a_session_not_the_latest_arrival()
    {
        var (course, token) = await EnrolledAsync();

        await _client.SendBeatOkAsync(token, course.Video, Beat("s1", 5, 50, [[40, 50]]));
        var late = await _client.SendBeatOkAsync(token, course.Video, Beat("s1", 4, 40, [[30, 40]]));

        Assert.Equal(50, late.Num("position"));
        Assert.Equal(50, (await _client.PlaybackAsync(token, course.Video)).Num("resumePosition"));
    }

    [Fact]
    public async Task A_newer_session_decides_the_resume_position_even_with_a_lower_sequence()
    {
        var (course, token) = await EnrolledAsync();

        // A tie in time would order the sessions by id, which would put "a-old" first: the test cannot pass by that.
        await _client.SendBeatOkAsync(token, course.Video, Beat("a-old", 40, 80, [[70, 80]]));
        // Sessions are ordered by the millisecond the server first saw them: the new one must be later.
        await NextMillisecondAsync();
        var newer = await _client.SendBeatOkAsync(token, course.Video, Beat("b-new", 1, 12, [[0, 12]], "play"));
        var oldAgain = await _client.SendBeatOkAsync(token, course.Video, Beat("a-old", 41, 85, [[80, 85]]));

        Assert.Equal(12, newer.Num("position"));
        Assert.Equal(12, oldAgain.Num("position"));
        Assert.Equal(12, (await _client.GetCourseProgressAsync(token, course.Id)).LessonEntry(course.Video).Num("position"));
    }

    [Fact]
    public async Task An_ended_video_resumes_from_the_start()
    {
        var (course, token) = await EnrolledAsync();

        await _client.SendBeatOkAsync(token, course.Video, Beat("s1", 1, 60, [[50, 60]]));
        var ended = await _client.SendBeatOkAsync(token, course.Video, Beat("s1", 2, 100, [[60, 100]], "ended"));

        Assert.Equal(0, ended.Num("position"));
        Assert.Equal(0, (await _client.PlaybackAsync(token, course.Video)).Num("resumePosition"));
    }

    [Fact]
    public async Task Playback_tells_each_learner_where_they_stopped()
    {
        var (course, token) = await EnrolledAsync();
        var other = await _client.NewUserAsync();
        await _client.EnrollOkAsync(other.Tokens.AccessToken, course.Id);

        var before = await _client.PlaybackAsync(token, course.Video);
        await _client.SendBeatOkAsync(token, course.Video, Beat("s1", 1, 42.5, [[0, 42.5]]));
        var after = await _client.PlaybackAsync(token, course.Video);
        var others = await _client.PlaybackAsync(other.Tokens.AccessToken, course.Video);

        Assert.Equal(0, before.Num("resumePosition"));
        Assert.Equal(42.5, after.Num("resumePosition"));
        Assert.Equal(VideoSeconds, after.Num("duration"));
        Assert.Equal(0, others.Num("resumePosition"));
    }

    [Fact]
    public async Task Anonymous_preview_playback_starts_at_zero()
    {
        var course = await fixture.ProgressCourseAsync(_client);
        var token = course.Owner.Tokens.AccessToken;
        using (var preview = await _client.SendAsync(HttpMethod.Patch, $"/api/v1/lessons/{course.Video}", token, new { isPreview = true }))
        {
            Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        }
        await _client.SendBeatOkAsync(token, course.Video, Beat("s1", 1, 30, [[0, 30]]));

        var anonymous = await _client.PlaybackAsync(null, course.Video);
        var owner = await _client.PlaybackAsync(token, course.Video);

        Assert.Equal(0, anonymous.Num("resumePosition"));
        Assert.Equal(30, owner.Num("resumePosition"));
    }
}

public sealed class ProgressBeatTests_Sqlite(SqliteFixture fixture) : ProgressBeatTests(fixture), IClassFixture<SqliteFixture>;

public sealed class ProgressBeatTests_Postgres(PostgresRedisFixture fixture) : ProgressBeatTests(fixture), IClassFixture<PostgresRedisFixture>;
