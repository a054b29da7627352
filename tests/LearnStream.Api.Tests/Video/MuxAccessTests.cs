using System.Net;
using LearnStream.Api.Tests.Enrollment;
using LearnStream.Api.Tests.Infrastructure;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;

namespace LearnStream.Api.Tests.Video.WithMux;

/// <summary>Who may upload, import, read the video state and play it, on every video route that takes a lesson id.</summary>
public abstract class MuxAccessTests(StoreFixture fixture)
{
    private readonly HttpClient _client = fixture.App.CreateClient();
    private readonly MuxEmulator _mux = ((IMuxFixture)fixture).Mux;

    private static readonly object ImportBody = new { url = "https://videos.example.com/intro.mp4" };

    private async Task<HttpStatusCode> StatusAsync(HttpMethod method, string url, string? token, object? body = null)
    {
        using var response = await _client.SendAsync(method, url, token, body);
        return response.StatusCode;
    }

    /// <summary>The three instructor routes: upload, import, video state.</summary>
    private async Task<HttpStatusCode[]> EditorRoutesAsync(string lessonId, string? token) =>
    [
        await StatusAsync(HttpMethod.Post, MuxTestApi.UploadsUrl(lessonId), token),
        await StatusAsync(HttpMethod.Post, MuxTestApi.ImportUrl(lessonId), token, ImportBody),
        await StatusAsync(HttpMethod.Get, MuxTestApi.VideoUrl(lessonId), token),
    ];

    [Fact]
    public async Task Another_instructor_gets_403_on_upload_import_and_video_state_and_mux_is_not_called()
    {
        var lesson = await _client.VideoLessonAsync();
        var other = await _client.NewUserWithRoleAsync("instructor");

        var statuses = await EditorRoutesAsync(lesson.LessonId, other.Tokens.AccessToken);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Forbidden, s));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(HttpMethod.Get, MuxTestApi.PlaybackUrl(lesson.LessonId), other.Tokens.AccessToken));
        Assert.Empty(_mux.RequestsNaming(lesson.LessonId));
        Assert.Equal("none", await _client.VideoStatusAsync(lesson.OwnerToken, lesson.LessonId));
    }

    [Fact]
    public async Task An_enrolled_student_may_play_but_not_upload_import_or_read_the_video_state()
    {
        var ready = await _client.ReadyVideoAsync(await _client.VideoLessonAsync());
        var learner = await _client.NewUserAsync();
        await _client.EnrollOkAsync(learner.Tokens.AccessToken, ready.Lesson.Course.Id);
        var requestsBefore = _mux.Requests.Count;

        var statuses = await EditorRoutesAsync(ready.Lesson.LessonId, learner.Tokens.AccessToken);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Forbidden, s));
        Assert.Equal(requestsBefore, _mux.Requests.Count);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Get, MuxTestApi.PlaybackUrl(ready.Lesson.LessonId), learner.Tokens.AccessToken));
    }

    [Fact]
    public async Task Anonymous_callers_get_401_on_every_route_of_a_non_preview_lesson()
    {
        var ready = await _client.ReadyVideoAsync(await _client.VideoLessonAsync());

        var statuses = await EditorRoutesAsync(ready.Lesson.LessonId, null);
        using var playback = await _client.SendAsync(HttpMethod.Get, MuxTestApi.PlaybackUrl(ready.Lesson.LessonId), null);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        await playback.ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_student_who_is_not_enrolled_gets_403_on_playback()
    {
        var ready = await _client.ReadyVideoAsync(await _client.VideoLessonAsync());
        var student = await _client.NewUserAsync();

        using var playback = await _client.SendAsync(HttpMethod.Get, MuxTestApi.PlaybackUrl(ready.Lesson.LessonId), student.Tokens.AccessToken);

        await playback.ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_refunded_learner_loses_playback()
    {
        var ready = await _client.ReadyVideoAsync(await _client.VideoLessonAsync(paid: true));
        var (learner, orderId) = await _client.PaidLearnerAsync(ready.Lesson.Course.Id);
        var whilePaid = await StatusAsync(HttpMethod.Get, MuxTestApi.PlaybackUrl(ready.Lesson.LessonId), learner.Tokens.AccessToken);

        await _client.RefundAsync(orderId);

        Assert.Equal(HttpStatusCode.OK, whilePaid);
        using var refunded = await _client.SendAsync(HttpMethod.Get, MuxTestApi.PlaybackUrl(ready.Lesson.LessonId), learner.Tokens.AccessToken);
        await refunded.ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_preview_lesson_of_a_draft_course_is_hidden_from_anonymous_callers()
    {
        var lesson = await _client.VideoLessonAsync(preview: true, publish: false);
        await _client.ReadyVideoAsync(lesson);

        using var playback = await _client.SendAsync(HttpMethod.Get, MuxTestApi.PlaybackUrl(lesson.LessonId), null);

        await playback.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task On_a_draft_course_other_instructors_get_404_on_every_route()
    {
        var lesson = await _client.VideoLessonAsync(publish: false);
        var other = await _client.NewUserWithRoleAsync("instructor");

        var statuses = await EditorRoutesAsync(lesson.LessonId, other.Tokens.AccessToken);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.NotFound, s));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(HttpMethod.Get, MuxTestApi.PlaybackUrl(lesson.LessonId), other.Tokens.AccessToken));
        Assert.Empty(_mux.RequestsNaming(lesson.LessonId));
    }

    [Fact]
    public async Task An_unknown_lesson_id_is_404_on_every_route()
    {
        var admin = await _client.LoginAdminAsync();
        var unknown = Guid.NewGuid().ToString();

        var statuses = await EditorRoutesAsync(unknown, admin.AccessToken);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.NotFound, s));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(HttpMethod.Get, MuxTestApi.PlaybackUrl(unknown), admin.AccessToken));
    }

    [Fact]
    public async Task An_admin_may_upload_read_the_video_state_and_play_any_lesson()
    {
        var lesson = await _client.VideoLessonAsync();
        var admin = await _client.LoginAdminAsync();

        await _client.CreateUploadOkAsync(admin.AccessToken, lesson.LessonId);
        var ready = await _client.ReadyVideoAsync(lesson);

        Assert.Equal("ready", await _client.VideoStatusAsync(admin.AccessToken, lesson.LessonId));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Get, MuxTestApi.PlaybackUrl(lesson.LessonId), admin.AccessToken));
        Assert.Equal(2, _mux.UploadRequests(ready.Lesson.LessonId).Count);
    }
}

public sealed class MuxAccessTests_Sqlite(MuxSqliteFixture fixture) : MuxAccessTests(fixture), IClassFixture<MuxSqliteFixture>;

public sealed class MuxAccessTests_Postgres(MuxPostgresFixture fixture) : MuxAccessTests(fixture), IClassFixture<MuxPostgresFixture>;
