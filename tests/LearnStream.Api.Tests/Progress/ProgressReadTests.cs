using System.Net;
using System.Text.Json;
using LearnStream.Api.Tests.Enrollment;
using LearnStream.Api.Tests.Infrastructure;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;
using static LearnStream.Api.Tests.Progress.ProgressTestApi;

namespace LearnStream.Api.Tests.Progress;

/// <summary>A learner's progress read back: per course, over all enrolled courses, and as a history.</summary>
public abstract class ProgressReadTests(StoreFixture fixture)
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    private async Task<string> EnrolledLearnerAsync(params ProgressCourse[] courses)
    {
        var learner = await _client.NewUserAsync();
        foreach (var course in courses)
        {
            await _client.EnrollOkAsync(learner.Tokens.AccessToken, course.Id);
        }
        return learner.Tokens.AccessToken;
    }

    private async Task<JsonElement> CompleteOkAsync(string token, string lessonId)
    {
        using var response = await _client.SendCompleteAsync(token, lessonId);
        return await response.JsonAsync(HttpStatusCode.OK);
    }

    private Task<JsonElement> FinishVideoAsync(string token, string lessonId) =>
        _client.SendBeatOkAsync(token, lessonId, Beat(Marker(), 1, 95, [[0, 95]]));

    [Fact]
    public async Task Completing_a_text_lesson_is_200_and_idempotent()
    {
        var course = await fixture.ProgressCourseAsync(_client, videos: 0, texts: 1);
        var token = await EnrolledLearnerAsync(course);

        var first = await CompleteOkAsync(token, course.Text);
        var second = await CompleteOkAsync(token, course.Text);

        Assert.Equal((course.Text, true, 100.0, 0.0), (first.Str("lessonId"), first.Flag("completed"), first.Num("percent"), first.Num("position")));
        Assert.Equal(first.GetRawText(), second.GetRawText());
        var progress = await _client.GetCourseProgressAsync(token, course.Id);
        Assert.Equal((1, 1, 100.0), (progress.GetProperty("completedLessons").GetInt32(), progress.GetProperty("totalLessons").GetInt32(), progress.Num("percent")));
        var history = await _client.GetHistoryAsync(token);
        Assert.Equal(1, history.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Course_progress_counts_complete_lessons_and_points_to_the_next_one()
    {
        var course = await fixture.ProgressCourseAsync(_client, videos: 2, texts: 2);
        var token = await EnrolledLearnerAsync(course);
        var (video1, video2, text1, text2) = (course.LessonIds[0], course.LessonIds[1], course.LessonIds[2], course.LessonIds[3]);

        var fresh = await _client.GetCourseProgressAsync(token, course.Id);
        await CompleteOkAsync(token, text1);
        await NextMillisecondAsync();
        await _client.SendBeatOkAsync(token, video1, Beat("s1", 1, 30, [[0, 30]]));
        var started = await _client.GetCourseProgressAsync(token, course.Id);
        await FinishVideoAsync(token, video1);
        var oneVideoDone = await _client.GetCourseProgressAsync(token, course.Id);
        await FinishVideoAsync(token, video2);
        var videosDone = await _client.GetCourseProgressAsync(token, course.Id);
        await CompleteOkAsync(token, text2);
        var done = await _client.GetCourseProgressAsync(token, course.Id);

        Assert.Equal(course.Id, fresh.Str("courseId"));
        Assert.Equal((0.0, 0, 4, video1), (fresh.Num("percent"), fresh.GetProperty("completedLessons").GetInt32(), fresh.GetProperty("totalLessons").GetInt32(), fresh.Str("nextLessonId")));
        Assert.Equal(course.LessonIds, fresh.GetProperty("lessons").EnumerateArray().Select(l => l.Str("lessonId")));
        Assert.True(fresh.IsNull("completedAt"));
        Assert.Equal((25.0, video1), (started.Num("percent"), started.Str("nextLessonId")));
        Assert.Equal((30.0, 30.0), (started.LessonEntry(video1).Num("percent"), started.LessonEntry(video1).Num("position")));
        Assert.Equal((50.0, video2), (oneVideoDone.Num("percent"), oneVideoDone.Str("nextLessonId")));
        Assert.Equal((75.0, text2), (videosDone.Num("percent"), videosDone.Str("nextLessonId")));
        Assert.True(videosDone.IsNull("completedAt"));
        Assert.Equal((100.0, 4), (done.Num("percent"), done.GetProperty("completedLessons").GetInt32()));
        Assert.True(done.IsNull("nextLessonId"));
        Assert.True(done.UtcTime("completedAt") > DateTimeOffset.UtcNow.AddMinutes(-5));
    }

    [Fact]
    public async Task Course_progress_is_found_by_slug_too()
    {
        var course = await fixture.ProgressCourseAsync(_client, videos: 0, texts: 2);
        var token = await EnrolledLearnerAsync(course);
        await CompleteOkAsync(token, course.Text);

        var progress = await _client.GetCourseProgressAsync(token, course.Slug);

        Assert.Equal((course.Id, 50.0), (progress.Str("courseId"), progress.Num("percent")));
    }

    [Fact]
    public async Task My_progress_has_a_row_per_active_enrollment_most_recently_watched_first()
    {
        var watchedFirst = await fixture.ProgressCourseAsync(_client, videos: 1, texts: 1);
        var watchedLast = await fixture.ProgressCourseAsync(_client, videos: 1, texts: 3);
        var untouched = await fixture.ProgressCourseAsync(_client, videos: 0, texts: 1);
        var left = await fixture.ProgressCourseAsync(_client, videos: 0, texts: 1);
        var token = await EnrolledLearnerAsync(watchedFirst, watchedLast, untouched, left);
        await FinishVideoAsync(token, watchedFirst.Video);
        await NextMillisecondAsync();
        await CompleteOkAsync(token, left.Text);
        using (var leave = await _client.SendAsync(HttpMethod.Delete, $"{EnrollmentTestApi.MyEnrollments}/{left.Id}", token))
        {
            Assert.Equal(HttpStatusCode.NoContent, leave.StatusCode);
        }
        await NextMillisecondAsync();
        await CompleteOkAsync(token, watchedLast.TextIds[1]);

        var rows = await _client.GetMyProgressAsync(token);

        Assert.Equal([watchedLast.Id, watchedFirst.Id, untouched.Id], rows.Select(r => r.Str("courseId")));
        var last = rows[0];
        Assert.Equal((watchedLast.Title, watchedLast.Slug), (last.Str("courseTitle"), last.Str("slug")));
        Assert.Equal((25.0, 1, 4, watchedLast.TextIds[2]), (last.Num("percent"), last.GetProperty("completedLessons").GetInt32(), last.GetProperty("totalLessons").GetInt32(), last.Str("nextLessonId")));
        Assert.True(last.UtcTime("lastWatchedAt") >= rows[1].UtcTime("lastWatchedAt"));
        Assert.True(last.IsNull("completedAt"));
        var first = rows[1];
        Assert.Equal((50.0, watchedFirst.Text), (first.Num("percent"), first.Str("nextLessonId")));
        var none = rows[2];
        Assert.Equal((0.0, untouched.Text), (none.Num("percent"), none.Str("nextLessonId")));
        Assert.True(none.IsNull("lastWatchedAt"));
    }

    [Fact]
    public async Task My_enrollments_show_the_same_percent_as_my_progress()
    {
        var half = await fixture.ProgressCourseAsync(_client, videos: 1, texts: 1);
        var quarter = await fixture.ProgressCourseAsync(_client, videos: 0, texts: 4);
        var token = await EnrolledLearnerAsync(half, quarter);
        await FinishVideoAsync(token, half.Video);
        await CompleteOkAsync(token, quarter.TextIds[3]);

        var enrollments = await _client.MyEnrollmentsAsync(token);
        var rows = await _client.GetMyProgressAsync(token);

        var expected = new Dictionary<string, double> { [half.Id] = 50, [quarter.Id] = 25 };
        Assert.Equal(expected.OrderBy(p => p.Key), enrollments.ToDictionary(e => e.Str("courseId"), e => e.Num("progressPercent")).OrderBy(p => p.Key));
        Assert.Equal(expected.OrderBy(p => p.Key), rows.ToDictionary(r => r.Str("courseId"), r => r.Num("percent")).OrderBy(p => p.Key));
    }

    [Fact]
    public async Task History_lists_watched_lessons_newest_first_in_pages()
    {
        var course = await fixture.ProgressCourseAsync(_client, videos: 2, texts: 1);
        var other = await fixture.ProgressCourseAsync(_client, videos: 1, texts: 0);
        var token = await EnrolledLearnerAsync(course, other);
        await _client.SendBeatOkAsync(token, course.VideoIds[0], Beat("s1", 1, 10, [[0, 10]]));
        await NextMillisecondAsync();
        await _client.SendBeatOkAsync(token, other.Video, Beat("s2", 1, 20, [[0, 20]]));
        await NextMillisecondAsync();
        await CompleteOkAsync(token, course.Text);
        await NextMillisecondAsync();
        await _client.SendBeatOkAsync(token, course.VideoIds[1], Beat("s3", 1, 30, [[0, 30]]));
        await NextMillisecondAsync();
        // Watching the first lesson again makes it the newest.
        await _client.SendBeatOkAsync(token, course.VideoIds[0], Beat("s1", 2, 15, [[10, 15]]));

        var all = await _client.GetHistoryAsync(token);
        var page1 = await _client.GetHistoryAsync(token, "?page=1&pageSize=3");
        var page2 = await _client.GetHistoryAsync(token, "?page=2&pageSize=3");
        var beyond = await _client.GetHistoryAsync(token, "?page=3&pageSize=3");

        string[] newestFirst = [course.VideoIds[0], course.VideoIds[1], course.Text, other.Video];
        Assert.Equal(newestFirst, Ids(all));
        Assert.Equal((1, 20, 4), (all.GetProperty("page").GetInt32(), all.GetProperty("pageSize").GetInt32(), all.GetProperty("total").GetInt32()));
        Assert.Equal(newestFirst[..3], Ids(page1));
        Assert.Equal(newestFirst[3..], Ids(page2));
        Assert.Empty(Ids(beyond));
        Assert.All(new[] { page1, page2, beyond }, p => Assert.Equal(4, p.GetProperty("total").GetInt32()));
        var newest = all.GetProperty("items")[0];
        Assert.Equal((course.Id, "Video 1", course.Title), (newest.Str("courseId"), newest.Str("lessonTitle"), newest.Str("courseTitle")));
        Assert.Equal((15.0, 15.0, false), (newest.Num("position"), newest.Num("percent"), newest.Flag("completed")));
        var times = all.GetProperty("items").EnumerateArray().Select(i => i.UtcTime("lastWatchedAt")).ToList();
        Assert.Equal(times.OrderDescending(), times);
        var text = all.GetProperty("items")[2];
        Assert.Equal(("Text 1", true, 100.0), (text.Str("lessonTitle"), text.Flag("completed"), text.Num("percent")));
    }

    [Fact]
    public async Task History_keeps_a_deleted_lesson_with_no_title()
    {
        var course = await fixture.ProgressCourseAsync(_client, videos: 2, texts: 0);
        var token = await EnrolledLearnerAsync(course);
        await _client.SendBeatOkAsync(token, course.VideoIds[0], Beat("s1", 1, 10, [[0, 10]]));
        await NextMillisecondAsync();
        await _client.SendBeatOkAsync(token, course.VideoIds[1], Beat("s2", 1, 10, [[0, 10]]));

        using (var delete = await _client.SendAsync(HttpMethod.Delete, $"/api/v1/lessons/{course.VideoIds[1]}", course.Owner.Tokens.AccessToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }
        var history = await _client.GetHistoryAsync(token);
        var progress = await _client.GetCourseProgressAsync(token, course.Id);

        Assert.Equal(new[] { course.VideoIds[1], course.VideoIds[0] }, Ids(history));
        var deleted = history.GetProperty("items")[0];
        Assert.True(deleted.IsNull("lessonTitle"), deleted.GetRawText());
        Assert.Equal(course.Title, deleted.Str("courseTitle"));
        Assert.Equal(1, progress.GetProperty("totalLessons").GetInt32());
        Assert.Equal(new[] { course.VideoIds[0] }, progress.GetProperty("lessons").EnumerateArray().Select(l => l.Str("lessonId")));
    }

    private static List<string> Ids(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(i => i.Str("lessonId"))];
}

public sealed class ProgressReadTests_Sqlite(SqliteFixture fixture) : ProgressReadTests(fixture), IClassFixture<SqliteFixture>;

public sealed class ProgressReadTests_Postgres(PostgresRedisFixture fixture) : ProgressReadTests(fixture), IClassFixture<PostgresRedisFixture>;
