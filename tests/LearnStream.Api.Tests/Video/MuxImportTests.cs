using System.Net;
using LearnStream.Api.Tests.Infrastructure;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;

namespace LearnStream.Api.Tests.Video.WithMux;

/// <summary>POST /lessons/{id}/video/import: a URL Mux fetches (never us), or an existing Mux asset.</summary>
public abstract class MuxImportTests(StoreFixture fixture)
{
    private readonly HttpClient _client = fixture.App.CreateClient();
    private readonly MuxEmulator _mux = ((IMuxFixture)fixture).Mux;

    private Task<HttpResponseMessage> ImportAsync(MuxVideoLesson lesson, object body) =>
        _client.SendAsync(HttpMethod.Post, MuxTestApi.ImportUrl(lesson.LessonId), lesson.OwnerToken, body);

    [Fact]
    public async Task Importing_a_url_has_mux_make_a_signed_asset_of_it_and_answers_202_processing()
    {
        var lesson = await _client.VideoLessonAsync();
        const string url = "https://videos.example.com/courses/intro.mp4";

        using var response = await ImportAsync(lesson, new { url });

        var video = await response.JsonAsync(HttpStatusCode.Accepted);
        var sent = Assert.Single(_mux.AssetRequests(lesson.LessonId));
        Assert.Equal(MuxEmulator.BasicAuthorization, MuxEmulator.Header(sent, "Authorization"));
        var body = MuxEmulator.JsonBody(sent);
        Assert.Equal(url, body.GetProperty("inputs")[0].Str("url"));
        Assert.Equal(["signed"], body.Strings("playback_policies"));
        Assert.Equal("processing", video.Str("status"));
        Assert.Equal("mux", video.Str("provider"));
        var assetId = video.Str("assetId");
        Assert.StartsWith("as", assetId, StringComparison.Ordinal);
        Assert.Equal(assetId, (await _client.VideoAsync(lesson.OwnerToken, lesson.LessonId)).Str("assetId"));
    }

    [Fact]
    public async Task Urls_to_internal_hosts_other_schemes_or_with_userinfo_are_400_and_mux_is_never_called()
    {
        var lesson = await _client.VideoLessonAsync();
        string[] refused =
        [
            "https://169.254.169.254/latest/meta-data/iam/security-credentials/",
            "http://169.254.169.254/latest/meta-data/",
            "https://localhost/video.mp4",
            "https://127.0.0.1/video.mp4",
            "https://[::1]/video.mp4",
            "https://10.0.0.1/video.mp4",
            "file:///etc/passwd",
            "gopher://videos.example.com:70/_video",
            "https://user@videos.example.com/video.mp4",
            "https://evil.com@127.0.0.1/video.mp4",
            "https://2130706433/video.mp4",
            "http://videos.example.com/video.mp4",
        ];
        var requestsBefore = _mux.Requests.Count;

        foreach (var url in refused)
        {
            using var response = await ImportAsync(lesson, new { url });
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{url} was answered {(int)response.StatusCode}");
            var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
            Assert.NotEmpty(problem.ErrorsFor("url"));
        }

        Assert.Equal(requestsBefore, _mux.Requests.Count);
        Assert.Equal("none", await _client.VideoStatusAsync(lesson.OwnerToken, lesson.LessonId));
    }

    [Fact]
    public async Task Both_or_neither_of_url_and_asset_id_is_400()
    {
        var lesson = await _client.VideoLessonAsync();

        using var neither = await ImportAsync(lesson, new { });
        using var both = await ImportAsync(lesson, new { url = "https://videos.example.com/a.mp4", assetId = "abc123" });

        await neither.AssertValidationAsync("url");
        await both.AssertValidationAsync("assetId");
        Assert.Empty(_mux.RequestsNaming(lesson.LessonId));
        Assert.Empty(_mux.RequestsNaming("abc123"));
    }

    [Fact]
    public async Task Importing_a_ready_asset_links_its_signed_playback_id_and_it_plays()
    {
        var lesson = await _client.VideoLessonAsync();
        var assetId = MuxEmulator.NewId("as");
        var playbackId = MuxEmulator.NewId("pb");
        _mux.AddAsset(assetId, MuxEmulator.AssetJson(assetId, "ready", playbackId: playbackId, duration: 61.5, aspectRatio: "4:3"));

        using var response = await ImportAsync(lesson, new { assetId });

        var video = await response.JsonAsync(HttpStatusCode.Accepted);
        var read = Assert.Single(_mux.RequestsNaming(assetId));
        Assert.Equal("GET", read.RequestMessage!.Method);
        Assert.Equal(MuxEmulator.BasicAuthorization, MuxEmulator.Header(read, "Authorization"));
        Assert.Equal("ready", video.Str("status"));
        Assert.Equal(assetId, video.Str("assetId"));
        Assert.Equal(playbackId, video.Str("playbackId"));
        Assert.Equal(61.5, video.GetProperty("duration").GetDouble());
        using var playback = await _client.SendAsync(HttpMethod.Get, MuxTestApi.PlaybackUrl(lesson.LessonId), lesson.OwnerToken);
        Assert.StartsWith($"https://stream.mux.com/{playbackId}.m3u8?token=", (await playback.JsonAsync(HttpStatusCode.OK)).Str("streamUrl"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Importing_a_preparing_asset_is_processing_until_its_ready_webhook()
    {
        var lesson = await _client.VideoLessonAsync();
        var assetId = MuxEmulator.NewId("as");
        var playbackId = MuxEmulator.NewId("pb");
        _mux.AddAsset(assetId, MuxEmulator.AssetJson(assetId, "preparing", playbackId: playbackId));

        using var response = await ImportAsync(lesson, new { assetId });
        var imported = await response.JsonAsync(HttpStatusCode.Accepted);
        await _client.DeliverOkAsync(MuxWebhooks.AssetEvent("video.asset.ready",
            MuxEmulator.AssetJson(assetId, "ready", playbackId: playbackId, duration: 12, aspectRatio: "16:9"), assetId));

        Assert.Equal("processing", imported.Str("status"));
        var video = await _client.VideoAsync(lesson.OwnerToken, lesson.LessonId);
        Assert.Equal("ready", video.Str("status"));
        Assert.Equal(12, video.GetProperty("duration").GetDouble());
    }

    [Fact]
    public async Task Importing_an_errored_asset_shows_muxs_message()
    {
        var lesson = await _client.VideoLessonAsync();
        var assetId = MuxEmulator.NewId("as");
        _mux.AddAsset(assetId, MuxEmulator.AssetJson(assetId, "errored", playbackId: MuxEmulator.NewId("pb"), error: "The input file could not be processed."));

        using var response = await ImportAsync(lesson, new { assetId });

        var video = await response.JsonAsync(HttpStatusCode.Accepted);
        Assert.Equal("errored", video.Str("status"));
        Assert.Equal("The input file could not be processed.", video.Str("error"));
    }

    [Fact]
    public async Task An_asset_with_only_a_public_playback_id_is_refused_with_400()
    {
        var lesson = await _client.VideoLessonAsync();
        var assetId = MuxEmulator.NewId("as");
        _mux.AddAsset(assetId, MuxEmulator.AssetJson(assetId, "ready", playbackId: MuxEmulator.NewId("pb"), playbackPolicy: "public", duration: 10));

        using var response = await ImportAsync(lesson, new { assetId });

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("signed", Assert.Single(problem.ErrorsFor("assetId")), StringComparison.Ordinal);
        Assert.Equal("none", await _client.VideoStatusAsync(lesson.OwnerToken, lesson.LessonId));
    }

    [Fact]
    public async Task An_asset_mux_does_not_know_is_400()
    {
        var lesson = await _client.VideoLessonAsync();

        using var response = await ImportAsync(lesson, new { assetId = MuxEmulator.NewId("missing") });

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("no such asset", Assert.Single(problem.ErrorsFor("assetId")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_asset_id_that_is_not_a_mux_id_is_400_without_calling_mux()
    {
        var lesson = await _client.VideoLessonAsync();
        var before = _mux.Requests.Count;

        using var response = await ImportAsync(lesson, new { assetId = "../uploads/x" });

        await response.AssertValidationAsync("assetId");
        Assert.Equal(before, _mux.Requests.Count);
    }

    [Fact]
    public async Task The_asset_of_another_lesson_cannot_be_imported()
    {
        var ready = await _client.ReadyVideoAsync(await _client.VideoLessonAsync());
        _mux.AddAsset(ready.AssetId, MuxEmulator.AssetJson(ready.AssetId, "ready", playbackId: ready.PlaybackId, duration: 10));
        var other = await _client.VideoLessonAsync();

        using var response = await ImportAsync(other, new { assetId = ready.AssetId });

        await response.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("none", await _client.VideoStatusAsync(other.OwnerToken, other.LessonId));
    }
}

public sealed class MuxImportTests_Sqlite(MuxSqliteFixture fixture) : MuxImportTests(fixture), IClassFixture<MuxSqliteFixture>;

public sealed class MuxImportTests_Postgres(MuxPostgresFixture fixture) : MuxImportTests(fixture), IClassFixture<MuxPostgresFixture>;
