using System.Net;
using LearnStream.Api.Tests.Infrastructure;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;

namespace LearnStream.Api.Tests.Video.WithMux;

/// <summary>Direct uploads through Mux, and the assets deleted when a lesson or its video goes away.</summary>
public abstract class MuxUploadTests(StoreFixture fixture)
{
    private readonly HttpClient _client = fixture.App.CreateClient();
    private readonly MuxEmulator _mux = ((IMuxFixture)fixture).Mux;

    [Fact]
    public async Task An_upload_is_a_signed_direct_upload_at_mux_for_this_lesson_and_the_callers_origin()
    {
        var lesson = await _client.VideoLessonAsync();
        using var request = Request(HttpMethod.Post, MuxTestApi.UploadsUrl(lesson.LessonId), lesson.OwnerToken);
        request.Headers.Add("Origin", "https://learn.example");

        using var response = await _client.SendAsync(request);

        var upload = await response.JsonAsync(HttpStatusCode.Created);
        var sent = Assert.Single(_mux.UploadRequests(lesson.LessonId));
        Assert.Equal(MuxEmulator.BasicAuthorization, MuxEmulator.Header(sent, "Authorization"));
        var body = MuxEmulator.JsonBody(sent);
        Assert.Equal("https://learn.example", body.Str("cors_origin"));
        var settings = body.GetProperty("new_asset_settings");
        Assert.Equal(["signed"], settings.Strings("playback_policies"));
        Assert.Equal(lesson.LessonId, settings.Str("passthrough"));
        Assert.Equal("mux", upload.Str("provider"));
        Assert.StartsWith("up", upload.Str("uploadId"), StringComparison.Ordinal);
        Assert.Equal($"https://storage.googleapis.com/video-storage-us-east1-uploads/{upload.Str("uploadId")}?Expires=1607882245&Signature=emulated",
            upload.Str("uploadUrl"));
        var video = await _client.VideoAsync(lesson.OwnerToken, lesson.LessonId);
        Assert.Equal("uploading", video.Str("status"));
        Assert.Equal("mux", video.Str("provider"));
    }

    [Fact]
    public async Task Without_an_origin_header_the_upload_allows_the_services_own_origin()
    {
        var lesson = await _client.VideoLessonAsync();

        await _client.CreateUploadOkAsync(lesson.OwnerToken, lesson.LessonId);

        var sent = Assert.Single(_mux.UploadRequests(lesson.LessonId));
        Assert.Equal(_client.BaseAddress!.GetLeftPart(UriPartial.Authority), MuxEmulator.JsonBody(sent).Str("cors_origin"));
    }

    [Fact]
    public async Task A_429_from_mux_is_retried_and_the_upload_succeeds()
    {
        var lesson = await _client.VideoLessonAsync();
        _mux.FailUploads(lesson.LessonId, (429, "0"));

        var upload = await _client.CreateUploadOkAsync(lesson.OwnerToken, lesson.LessonId);

        Assert.Equal(2, _mux.UploadRequests(lesson.LessonId).Count);
        Assert.Equal("mux", upload.Str("provider"));
        Assert.Equal("uploading", await _client.VideoStatusAsync(lesson.OwnerToken, lesson.LessonId));
    }

    [Fact]
    public async Task Mux_answering_500_to_an_upload_is_a_502_problem_and_the_video_stays_as_it_was()
    {
        var lesson = await _client.VideoLessonAsync();
        _mux.FailUploads(lesson.LessonId, (500, null));

        using var response = await _client.SendAsync(HttpMethod.Post, MuxTestApi.UploadsUrl(lesson.LessonId), lesson.OwnerToken);

        var problem = await response.ProblemAsync(HttpStatusCode.BadGateway);
        Assert.Contains("Mux", problem.Str("detail"), StringComparison.Ordinal);
        // A POST that failed with 500 may have created the upload, so it is not sent again.
        Assert.Single(_mux.UploadRequests(lesson.LessonId));
        Assert.Equal("none", await _client.VideoStatusAsync(lesson.OwnerToken, lesson.LessonId));
    }

    [Fact]
    public async Task A_new_upload_for_a_lesson_with_a_ready_video_deletes_the_old_asset_at_mux()
    {
        var ready = await _client.ReadyVideoAsync(await _client.VideoLessonAsync());

        var upload = await _client.CreateUploadOkAsync(ready.Lesson.OwnerToken, ready.Lesson.LessonId);

        Assert.Single(_mux.Deletions(ready.AssetId));
        var video = await _client.VideoAsync(ready.Lesson.OwnerToken, ready.Lesson.LessonId);
        Assert.Equal("uploading", video.Str("status"));
        Assert.NotEqual(ready.UploadId, upload.Str("uploadId"));
        Assert.True(video.GetProperty("assetId").ValueKind == System.Text.Json.JsonValueKind.Null, video.GetRawText());
    }

    [Fact]
    public async Task Deleting_the_lesson_deletes_its_asset_at_mux()
    {
        var ready = await _client.ReadyVideoAsync(await _client.VideoLessonAsync());

        using var deleted = await _client.SendAsync(HttpMethod.Delete, $"/api/v1/lessons/{ready.Lesson.LessonId}", ready.Lesson.OwnerToken);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var deletion = Assert.Single(_mux.Deletions(ready.AssetId));
        Assert.Equal(MuxEmulator.BasicAuthorization, MuxEmulator.Header(deletion, "Authorization"));
        using var video = await _client.SendAsync(HttpMethod.Get, MuxTestApi.VideoUrl(ready.Lesson.LessonId), ready.Lesson.OwnerToken);
        await video.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Deleting_a_draft_course_deletes_the_assets_of_its_lessons()
    {
        var lesson = await _client.VideoLessonAsync(publish: false);
        var ready = await _client.ReadyVideoAsync(lesson);

        using var deleted = await _client.SendAsync(HttpMethod.Delete, $"{Courses}/{lesson.Course.Id}", lesson.OwnerToken);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Single(_mux.Deletions(ready.AssetId));
    }

    [Fact]
    public async Task An_upload_for_a_text_lesson_is_409_and_mux_is_not_called()
    {
        var course = await _client.PublishedCourseAsync();

        using var response = await _client.SendAsync(HttpMethod.Post, MuxTestApi.UploadsUrl(course.LessonId), course.Owner.Tokens.AccessToken);

        await response.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Empty(_mux.UploadRequests(course.LessonId));
    }
}

public sealed class MuxUploadTests_Sqlite(MuxSqliteFixture fixture) : MuxUploadTests(fixture), IClassFixture<MuxSqliteFixture>;

public sealed class MuxUploadTests_Postgres(MuxPostgresFixture fixture) : MuxUploadTests(fixture), IClassFixture<MuxPostgresFixture>;
