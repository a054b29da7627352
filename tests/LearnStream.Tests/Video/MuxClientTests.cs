using System.Net;
using System.Text;
using System.Text.Json;
using LearnStream.Api.Features.Video.Mux;
using static LearnStream.Tests.Video.MuxApiEmulator;

namespace LearnStream.Tests.Video;

public sealed class MuxClientTests : IDisposable
{
    private readonly MuxApiEmulator _mux = new();

    [Fact]
    public async Task Upload_is_created_with_a_signed_playback_policy()
    {
        _mux.Answer(Post("/video/v1/uploads"), 201, WaitingUpload);

        var upload = await _mux.Client.CreateUploadAsync("https://learn.example", "lesson:42");

        Assert.Equal(UploadId, upload.Id);
        Assert.StartsWith("https://storage.googleapis.com/video-storage-us-east1-uploads/", upload.Url);
        Assert.Equal("waiting", upload.Status);
        var body = JsonBody(Assert.Single(_mux.Requests));
        Assert.Equal("https://learn.example", body.GetProperty("cors_origin").GetString());
        var settings = body.GetProperty("new_asset_settings");
        Assert.Equal(["signed"], settings.GetProperty("playback_policies").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("lesson:42", settings.GetProperty("passthrough").GetString());
        Assert.DoesNotContain("public", Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(body)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_carry_basic_auth_of_token_id_and_secret()
    {
        _mux.Answer(Post("/video/v1/uploads"), 201, WaitingUpload);

        await _mux.Client.CreateUploadAsync("https://learn.example", "lesson:42");

        var authorization = Header(Assert.Single(_mux.Requests), "Authorization");
        Assert.StartsWith("Basic ", authorization);
        var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..]));
        Assert.Equal($"{TokenId}:{TokenSecret}", decoded);
    }

    [Fact]
    public async Task Asset_import_sends_the_url_as_an_input_with_a_signed_playback_policy()
    {
        _mux.Answer(Post("/video/v1/assets"), 201, PreparingAsset);

        var asset = await _mux.Client.CreateAssetAsync("https://cdn.example.com/lecture.mp4", "lesson:42");

        Assert.Equal(AssetId, asset.Id);
        Assert.Equal("preparing", asset.Status);
        Assert.Equal(PlaybackId, asset.SignedPlaybackId?.Id);
        var body = JsonBody(Assert.Single(_mux.Requests));
        var input = Assert.Single(body.GetProperty("inputs").EnumerateArray());
        Assert.Equal("https://cdn.example.com/lecture.mp4", input.GetProperty("url").GetString());
        Assert.Equal(["signed"], body.GetProperty("playback_policies").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("lesson:42", body.GetProperty("passthrough").GetString());
        Assert.False(body.TryGetProperty("input", out _), "the deprecated single 'input' field is not sent");
    }

    [Fact]
    public async Task Asset_import_refuses_a_url_the_guard_refuses_before_any_request()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            _mux.Client.CreateAssetAsync("https://169.254.169.254/latest/meta-data/", "lesson:42"));

        Assert.Equal("inputUrl", error.ParamName);
        Assert.Empty(_mux.Requests);
    }

    [Fact]
    public async Task Get_asset_reads_status_playback_ids_duration_aspect_ratio_passthrough_and_upload()
    {
        _mux.Answer(Get($"/video/v1/assets/{AssetId}"), 200, ReadyAsset);

        var asset = await _mux.Client.GetAssetAsync(AssetId);

        Assert.Equal(AssetId, asset.Id);
        Assert.Equal("ready", asset.Status);
        var playback = Assert.Single(asset.PlaybackIds);
        Assert.Equal(PlaybackId, playback.Id);
        Assert.Equal("signed", playback.Policy);
        Assert.Equal(23.8, asset.Duration);
        Assert.Equal("16:9", asset.AspectRatio);
        Assert.Equal("lesson:42", asset.Passthrough);
        Assert.Equal(UploadId, asset.UploadId);
        Assert.Null(asset.Errors);
    }

    [Fact]
    public async Task Get_asset_reads_the_errors_of_an_errored_asset()
    {
        _mux.Answer(Get($"/video/v1/assets/{AssetId}"), 200, ErroredAsset);

        var asset = await _mux.Client.GetAssetAsync(AssetId);

        Assert.Equal("errored", asset.Status);
        Assert.Equal("invalid_input", asset.Errors?.Type);
        Assert.Equal(["The input file could not be processed."], asset.Errors?.Messages);
        Assert.Null(asset.Duration);
    }

    [Fact]
    public async Task Get_upload_reads_the_asset_it_created_and_the_passthrough()
    {
        _mux.Answer(Get($"/video/v1/uploads/{UploadId}"), 200, UploadWithAsset);

        var upload = await _mux.Client.GetUploadAsync(UploadId);

        Assert.Equal("asset_created", upload.Status);
        Assert.Equal(AssetId, upload.AssetId);
        Assert.Equal("lesson:42", upload.Passthrough);
        Assert.Equal(["signed"], upload.NewAssetSettings?.PlaybackPolicies);
    }

    [Fact]
    public async Task Ids_are_escaped_into_the_path()
    {
        _mux.Answer(WireMock.RequestBuilders.Request.Create().UsingGet(), 200, ReadyAsset);

        await _mux.Client.GetAssetAsync("a/b?x");

        var request = Assert.Single(_mux.Requests).RequestMessage!;
        Assert.EndsWith("/video/v1/assets/a%2Fb%3Fx", request.Url, StringComparison.Ordinal);
        Assert.Empty(request.Query ?? new Dictionary<string, WireMock.Types.WireMockList<string>>());
    }

    [Fact]
    public async Task Delete_asset_sends_a_delete()
    {
        _mux.Answer(Delete($"/video/v1/assets/{AssetId}"), 204);

        await _mux.Client.DeleteAssetAsync(AssetId);

        var request = Assert.Single(_mux.Requests).RequestMessage!;
        Assert.Equal("DELETE", request.Method);
        Assert.Equal($"/video/v1/assets/{AssetId}", request.Path);
    }

    [Fact]
    public async Task Deleting_an_asset_that_is_already_gone_counts_as_deleted()
    {
        _mux.Answer(Delete($"/video/v1/assets/{AssetId}"), 404, """{"error": {"type": "not_found", "messages": ["Not found"]}}""");

        await _mux.Client.DeleteAssetAsync(AssetId);

        Assert.Single(_mux.Requests);
    }

    [Fact]
    public async Task Delete_refused_by_mux_throws_with_the_status()
    {
        _mux.Answer(Delete($"/video/v1/assets/{AssetId}"), 403, """{"error": {"type": "forbidden", "messages": ["Token lacks write access"]}}""");

        var error = await Assert.ThrowsAsync<MuxApiException>(() => _mux.Client.DeleteAssetAsync(AssetId));

        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Equal("forbidden", error.ErrorType);
    }

    [Fact]
    public async Task Error_body_becomes_a_typed_exception_with_status_type_and_messages()
    {
        _mux.Answer(Post("/video/v1/uploads"), 400, InvalidParameters);

        var error = await Assert.ThrowsAsync<MuxApiException>(() => _mux.Client.CreateUploadAsync("nonsense", "lesson:42"));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("invalid_parameters", error.ErrorType);
        Assert.Equal(["cors_origin must be a valid origin"], error.Messages);
        Assert.Contains("cors_origin must be a valid origin", error.Message, StringComparison.Ordinal);
        Assert.Single(_mux.Requests);
    }

    [Fact]
    public async Task Error_without_a_json_body_still_carries_the_status()
    {
        _mux.Answer(Get($"/video/v1/assets/{AssetId}"), 401, null, ("Content-Type", "text/html"));

        var error = await Assert.ThrowsAsync<MuxApiException>(() => _mux.Client.GetAssetAsync(AssetId));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Null(error.ErrorType);
        Assert.Empty(error.Messages);
    }

    [Fact]
    public async Task Success_without_a_data_object_is_reported_not_returned_empty()
    {
        _mux.Answer(Get($"/video/v1/assets/{AssetId}"), 200, """{"id": "not wrapped"}""");

        var error = await Assert.ThrowsAsync<MuxApiException>(() => _mux.Client.GetAssetAsync(AssetId));

        Assert.Equal(HttpStatusCode.OK, error.StatusCode);
        Assert.Contains("\"data\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Passthrough_longer_than_mux_accepts_is_refused_before_any_request()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            _mux.Client.CreateUploadAsync("https://learn.example", new string('x', MuxClient.MaxPassthroughLength + 1)));

        Assert.Empty(_mux.Requests);
    }

    public void Dispose() => _mux.Dispose();
}
