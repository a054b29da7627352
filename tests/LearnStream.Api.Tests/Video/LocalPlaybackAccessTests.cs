using System.Net;
using LearnStream.Api.Tests.Catalog;
using LearnStream.Api.Tests.Enrollment;
using LearnStream.Api.Tests.Infrastructure;
using static LearnStream.Api.Tests.Video.LocalVideoTestApi;

namespace LearnStream.Api.Tests.Video;

/// <summary>A paid, published course with a text lesson and two ready video lessons, one of them a preview.</summary>
public sealed record AccessCourse(VideoLesson Text, VideoLesson Lesson, VideoLesson Preview)
{
    public string CourseId => Lesson.CourseId;
}

/// <summary>Who may watch, upload and read the video state of a lesson, on the local provider.</summary>
public abstract class LocalPlaybackAccessTests(StoreFixture fixture)
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    private Task<AccessCourse> CourseAsync() => fixture.SharedAsync(nameof(AccessCourse), async () =>
    {
        var paid = await _client.PaidCourseAsync();
        var text = new VideoLesson(paid.Owner, paid.Id, paid.SectionId, paid.LessonId);
        var lesson = await _client.AddVideoLessonAsync(text);
        var preview = await _client.AddVideoLessonAsync(text, isPreview: true);
        var clip = await File.ReadAllBytesAsync(await ClipAsync());
        foreach (var video in new[] { lesson, preview })
        {
            await _client.UploadAsync(paid.Owner.Tokens.AccessToken, video.LessonId, clip);
        }
        foreach (var video in new[] { lesson, preview })
        {
            var state = await _client.WaitForVideoAsync(paid.Owner.Tokens.AccessToken, video.LessonId);
            Assert.True(state.Str("status") == "ready", state.GetRawText());
        }
        return new AccessCourse(text, lesson, preview);
    });

    private static readonly object ImportBody = new { url = "https://example.com/lecture.mp4" };

    /// <summary>The status of a call; the import route gets a valid body, so only access can refuse it.</summary>
    private async Task<HttpStatusCode> StatusAsync(HttpMethod method, string url, string? token)
    {
        using var response = await _client.SendAsync(method, url, token, url.EndsWith("/video/import", StringComparison.Ordinal) ? ImportBody : null);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            await response.ProblemAsync(response.StatusCode); // every refusal is a problem body
        }
        return response.StatusCode;
    }

    [Fact]
    public async Task Anonymous_playback_of_a_lesson_that_is_not_a_preview_is_401()
    {
        var course = await CourseAsync();

        using var response = await _client.SendAsync(HttpMethod.Get, PlaybackUrl(course.Lesson.LessonId), null);

        await response.ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_student_not_enrolled_gets_403_and_one_enrolled_by_an_admin_gets_urls_that_play()
    {
        var course = await CourseAsync();
        var student = await _client.NewUserAsync();
        var token = student.Tokens.AccessToken;

        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(HttpMethod.Get, PlaybackUrl(course.Lesson.LessonId), token));
        await _client.GrantOkAsync(course.CourseId, student.Id);
        var playback = await _client.PlaybackAsync(token, course.Lesson.LessonId);

        using var master = await _client.GetAsync(playback.Str("streamUrl"));
        Assert.Equal(HttpStatusCode.OK, master.StatusCode);
    }

    [Fact]
    public async Task A_learner_who_paid_may_watch_until_the_order_is_refunded_then_gets_403()
    {
        var course = await CourseAsync();
        var learner = await _client.NewUserAsync();
        var token = learner.Tokens.AccessToken;
        using var checkout = await _client.SendAsync(HttpMethod.Post, $"/api/v1/courses/{course.CourseId}/checkout", token);
        var orderId = (await checkout.JsonAsync(HttpStatusCode.Created)).GetProperty("orderId").GetString();
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(HttpMethod.Get, PlaybackUrl(course.Lesson.LessonId), token));
        using (var paid = await _client.SendAsync(HttpMethod.Post, $"/api/v1/payments/manual/{orderId}/complete", token))
        {
            Assert.Equal("paid", (await paid.JsonAsync(HttpStatusCode.OK)).Str("status"));
        }
        await _client.PlaybackAsync(token, course.Lesson.LessonId);

        var admin = await _client.LoginAdminAsync();
        using (var refund = await _client.SendAsync(HttpMethod.Post, $"/api/v1/admin/orders/{orderId}/refund", admin.AccessToken))
        {
            Assert.Equal("refunded", (await refund.JsonAsync(HttpStatusCode.OK)).Str("status"));
        }

        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(HttpMethod.Get, PlaybackUrl(course.Lesson.LessonId), token));
    }

    [Fact]
    public async Task A_preview_lesson_of_a_published_course_plays_for_anonymous_visitors_and_students_not_enrolled()
    {
        var course = await CourseAsync();
        var student = await _client.NewUserAsync();

        foreach (var token in new[] { null, student.Tokens.AccessToken })
        {
            var playback = await _client.PlaybackAsync(token, course.Preview.LessonId);
            using var master = await _client.GetAsync(playback.Str("streamUrl"));
            using var poster = await _client.GetAsync(playback.Str("thumbnailUrl"));
            Assert.Equal(HttpStatusCode.OK, master.StatusCode);
            Assert.Equal(HttpStatusCode.OK, poster.StatusCode);
        }
    }

    [Fact]
    public async Task A_preview_lesson_of_a_draft_course_is_hidden_from_anonymous_visitors_and_students()
    {
        var draft = await _client.VideoCourseAsync(publish: false, isPreview: true);
        var student = await _client.NewUserAsync();

        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(HttpMethod.Get, PlaybackUrl(draft.LessonId), null));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(HttpMethod.Get, PlaybackUrl(draft.LessonId), student.Tokens.AccessToken));
        Assert.Equal(HttpStatusCode.Conflict, await StatusAsync(HttpMethod.Get, PlaybackUrl(draft.LessonId), draft.Owner.Tokens.AccessToken));
    }

    [Fact]
    public async Task Playback_is_409_until_the_video_is_ready()
    {
        var course = await CourseAsync();
        var lesson = await _client.AddVideoLessonAsync(course.Lesson);
        var owner = lesson.Owner.Tokens.AccessToken;

        Assert.Equal(HttpStatusCode.Conflict, await StatusAsync(HttpMethod.Get, PlaybackUrl(lesson.LessonId), owner));
        Assert.Equal("none", (await _client.VideoStatusAsync(owner, lesson.LessonId)).Str("status"));
        await _client.CreateUploadAsync(owner, lesson.LessonId);
        Assert.Equal("uploading", (await _client.VideoStatusAsync(owner, lesson.LessonId)).Str("status"));
        Assert.Equal(HttpStatusCode.Conflict, await StatusAsync(HttpMethod.Get, PlaybackUrl(lesson.LessonId), owner));
    }

    [Fact]
    public async Task A_text_lesson_takes_no_video_409()
    {
        var course = await CourseAsync();
        var owner = course.Text.Owner.Tokens.AccessToken;

        Assert.Equal(HttpStatusCode.Conflict, await StatusAsync(HttpMethod.Post, UploadsUrl(course.Text.LessonId), owner));
        Assert.Equal(HttpStatusCode.Conflict, await StatusAsync(HttpMethod.Get, PlaybackUrl(course.Text.LessonId), owner));
    }

    [Fact]
    public async Task Another_instructor_a_student_and_anonymous_are_refused_on_every_video_route_of_a_published_lesson()
    {
        var course = await CourseAsync();
        var lessonId = course.Lesson.LessonId;
        var other = await _client.NewUserWithRoleAsync("instructor");
        var student = await _client.NewUserAsync();
        var routes = new[] { (HttpMethod.Post, UploadsUrl(lessonId)), (HttpMethod.Get, VideoUrl(lessonId)), (HttpMethod.Post, $"/api/v1/lessons/{lessonId}/video/import") };

        foreach (var (method, url) in routes)
        {
            Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(method, url, other.Tokens.AccessToken));
            Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(method, url, student.Tokens.AccessToken));
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(method, url, null));
        }
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(HttpMethod.Get, PlaybackUrl(lessonId), other.Tokens.AccessToken));
        Assert.Equal("ready", (await _client.VideoStatusAsync(course.Lesson.Owner.Tokens.AccessToken, lessonId)).Str("status"));
    }

    [Fact]
    public async Task Every_video_route_of_a_draft_lesson_is_404_to_another_instructor()
    {
        var draft = await _client.VideoCourseAsync(publish: false);
        var other = await _client.NewUserWithRoleAsync("instructor");
        var token = other.Tokens.AccessToken;

        foreach (var (method, url) in new[]
        {
            (HttpMethod.Post, UploadsUrl(draft.LessonId)), (HttpMethod.Get, VideoUrl(draft.LessonId)),
            (HttpMethod.Post, $"/api/v1/lessons/{draft.LessonId}/video/import"), (HttpMethod.Get, PlaybackUrl(draft.LessonId)),
        })
        {
            Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(method, url, token));
        }
    }

    [Fact]
    public async Task An_admin_may_read_the_video_state_watch_and_start_an_upload_on_any_course()
    {
        var course = await CourseAsync();
        var admin = (await _client.LoginAdminAsync()).AccessToken;
        var fresh = await _client.AddVideoLessonAsync(course.Lesson);

        Assert.Equal("ready", (await _client.VideoStatusAsync(admin, course.Lesson.LessonId)).Str("status"));
        await _client.PlaybackAsync(admin, course.Lesson.LessonId);
        await _client.CreateUploadAsync(admin, fresh.LessonId);
    }

    [Theory]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("not-a-lesson")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task Every_video_route_of_an_unknown_lesson_is_404(string lessonId)
    {
        var admin = (await _client.LoginAdminAsync()).AccessToken;

        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(HttpMethod.Post, UploadsUrl(lessonId), admin));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(HttpMethod.Get, VideoUrl(lessonId), admin));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(HttpMethod.Get, PlaybackUrl(lessonId), admin));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(HttpMethod.Get, PlaybackUrl(lessonId), null));
    }

    [Fact]
    public async Task Importing_is_409_on_the_local_provider()
    {
        var course = await CourseAsync();
        var lesson = await _client.AddVideoLessonAsync(course.Lesson);

        Assert.Equal(HttpStatusCode.Conflict, await StatusAsync(HttpMethod.Post, $"/api/v1/lessons/{lesson.LessonId}/video/import", lesson.Owner.Tokens.AccessToken));
    }
}

public sealed class LocalPlaybackAccessTests_Sqlite(SqliteFixture fixture) : LocalPlaybackAccessTests(fixture), IClassFixture<SqliteFixture>;

public sealed class LocalPlaybackAccessTests_Postgres(PostgresRedisFixture fixture) : LocalPlaybackAccessTests(fixture), IClassFixture<PostgresRedisFixture>;
