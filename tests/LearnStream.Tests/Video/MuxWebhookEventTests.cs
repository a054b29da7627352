using System.Text;
using LearnStream.Api.Features.Video.Mux;
using static LearnStream.Tests.Video.MuxApiEmulator;

namespace LearnStream.Tests.Video;

public class MuxWebhookEventTests
{
    private const string EventId = "3a56ac3d-33da-4366-855b-f592d898409d";

    [Fact]
    public void Upload_asset_created_carries_the_upload_the_new_asset_and_the_passthrough()
    {
        var parsed = Parse(Envelope("video.upload.asset_created", "upload", UploadId, $$"""
            {"timeout": 3600, "status": "asset_created",
             "new_asset_settings": {"playback_policies": ["signed"], "passthrough": "lesson:42"},
             "id": "{{UploadId}}", "cors_origin": "https://learn.example", "asset_id": "{{AssetId}}"}
            """));

        Assert.Equal(MuxWebhookEventKind.UploadAssetCreated, parsed.Kind);
        Assert.Equal(EventId, parsed.Id);
        Assert.Equal("upload", parsed.ObjectType);
        Assert.Equal(UploadId, parsed.ObjectId);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 9, 31, 2, TimeSpan.Zero), parsed.CreatedAt);
        Assert.Equal(UploadId, parsed.Upload?.Id);
        Assert.Equal(AssetId, parsed.Upload?.AssetId);
        Assert.Equal("lesson:42", parsed.Upload?.Passthrough);
        Assert.Null(parsed.Asset);
    }

    [Fact]
    public void Upload_cancelled_names_the_upload()
    {
        var parsed = Parse(Envelope("video.upload.cancelled", "upload", UploadId, $$"""
            {"timeout": 3600, "status": "cancelled", "new_asset_settings": {"playback_policies": ["signed"], "passthrough": "lesson:42"},
             "id": "{{UploadId}}", "cors_origin": "https://learn.example"}
            """));

        Assert.Equal(MuxWebhookEventKind.UploadCancelled, parsed.Kind);
        Assert.Equal("cancelled", parsed.Upload?.Status);
        Assert.Equal("lesson:42", parsed.Upload?.Passthrough);
    }

    [Fact]
    public void Upload_errored_carries_the_error_message()
    {
        var parsed = Parse(Envelope("video.upload.errored", "upload", UploadId, $$"""
            {"timeout": 3600, "status": "errored", "new_asset_settings": {"playback_policies": ["signed"], "passthrough": "lesson:42"},
             "id": "{{UploadId}}", "error": {"type": "invalid_input", "message": "The uploaded file is not a video."} }
            """));

        Assert.Equal(MuxWebhookEventKind.UploadErrored, parsed.Kind);
        Assert.Equal("invalid_input", parsed.Upload?.Error?.Type);
        Assert.Equal("The uploaded file is not a video.", parsed.Upload?.Error?.Message);
    }

    [Fact]
    public void Asset_created_carries_the_asset_and_its_upload()
    {
        var parsed = Parse(Envelope("video.asset.created", "asset", AssetId, $$"""
            {"status": "preparing", "playback_ids": [{"policy": "signed", "id": "{{PlaybackId}}"}], "id": "{{AssetId}}",
             "created_at": 1772443862, "passthrough": "lesson:42", "upload_id": "{{UploadId}}", "master_access": "none"}
            """));

        Assert.Equal(MuxWebhookEventKind.AssetCreated, parsed.Kind);
        Assert.Equal(AssetId, parsed.Asset?.Id);
        Assert.Equal("preparing", parsed.Asset?.Status);
        Assert.Equal(UploadId, parsed.Asset?.UploadId);
        Assert.Null(parsed.Upload);
    }

    [Fact]
    public void Asset_ready_carries_playback_ids_duration_aspect_ratio_passthrough_and_upload()
    {
        var parsed = Parse(Envelope("video.asset.ready", "asset", AssetId, $$"""
            {"tracks": [{"type": "video", "max_width": 1920, "max_height": 1080, "id": "RiyQPM1Tg6n01", "duration": 612.345}],
             "status": "ready", "resolution_tier": "1080p", "progress": {"state": "completed", "progress": 100},
             "playback_ids": [{"policy": "signed", "id": "{{PlaybackId}}"}],
             "passthrough": "lesson:42", "max_stored_frame_rate": 29.97, "id": "{{AssetId}}",
             "duration": 612.345, "created_at": 1772443862, "aspect_ratio": "16:9", "upload_id": "{{UploadId}}"}
            """));

        Assert.Equal(MuxWebhookEventKind.AssetReady, parsed.Kind);
        var asset = Assert.IsType<MuxAsset>(parsed.Asset);
        Assert.Equal("ready", asset.Status);
        Assert.Equal(PlaybackId, asset.SignedPlaybackId?.Id);
        Assert.Equal(612.345, asset.Duration);
        Assert.Equal("16:9", asset.AspectRatio);
        Assert.Equal("lesson:42", asset.Passthrough);
        Assert.Equal(UploadId, asset.UploadId);
    }

    [Fact]
    public void Asset_errored_carries_the_error_messages()
    {
        var parsed = Parse(Envelope("video.asset.errored", "asset", AssetId, $$"""
            {"status": "errored", "id": "{{AssetId}}", "passthrough": "lesson:42",
             "errors": {"type": "invalid_input", "messages": ["Input file does not contain a video stream.", "Try another file."]} }
            """));

        Assert.Equal(MuxWebhookEventKind.AssetErrored, parsed.Kind);
        Assert.Equal("invalid_input", parsed.Asset?.Errors?.Type);
        Assert.Equal(["Input file does not contain a video stream.", "Try another file."], parsed.Asset?.Errors?.Messages);
    }

    [Fact]
    public void Asset_deleted_names_the_asset()
    {
        var parsed = Parse(Envelope("video.asset.deleted", "asset", AssetId, $$"""
            {"status": "ready", "id": "{{AssetId}}", "passthrough": "lesson:42", "playback_ids": [{"policy": "signed", "id": "{{PlaybackId}}"}]}
            """));

        Assert.Equal(MuxWebhookEventKind.AssetDeleted, parsed.Kind);
        Assert.Equal(AssetId, parsed.Asset?.Id);
        Assert.Equal("lesson:42", parsed.Asset?.Passthrough);
    }

    [Theory]
    [InlineData("video.asset.track.ready", """{"id": "track", "type": "text", "status": "ready"}""")]
    [InlineData("video.live_stream.idle", """{"id": "stream", "status": "idle"}""")]
    [InlineData("video.asset.static_renditions.ready", """[]""")]
    public void Unknown_types_parse_and_are_reported_as_unknown(string type, string data)
    {
        var parsed = Parse(Envelope(type, "other", "x", data));

        Assert.Equal(MuxWebhookEventKind.Unknown, parsed.Kind);
        Assert.Equal(type, parsed.Type);
        Assert.Null(parsed.Asset);
        Assert.Null(parsed.Upload);
    }

    [Fact]
    public void An_envelope_without_created_at_or_object_still_parses()
    {
        var parsed = Parse($$"""{"type": "video.asset.deleted", "id": "{{EventId}}", "data": {"id": "{{AssetId}}"} }""");

        Assert.Equal(MuxWebhookEventKind.AssetDeleted, parsed.Kind);
        Assert.Null(parsed.CreatedAt);
        Assert.Null(parsed.ObjectType);
        Assert.Null(parsed.ObjectId);
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("""{"type": "video.asset.ready", "id": "e1", "data": {"id": "a1"}} trailing""", "not valid JSON")]
    [InlineData("", "not valid JSON")]
    [InlineData("""[{"type": "video.asset.ready"}]""", "not a JSON object")]
    [InlineData("""{"data": {"id": "a1"}}""", "no \"id\" or no \"type\"")]
    [InlineData("""{"type": "video.asset.ready", "id": 17, "data": {"id": "a1"}}""", "no \"id\" or no \"type\"")]
    [InlineData("""{"type": "video.asset.ready", "id": "e1"}""", "has no \"data\" object")]
    [InlineData("""{"type": "video.upload.errored", "id": "e1", "data": "oops"}""", "has no \"data\" object")]
    [InlineData("""{"type": "video.asset.ready", "id": "e1", "data": {"status": "ready"}}""", "data.id")]
    [InlineData("""{"type": "video.asset.ready", "id": "e1", "data": {"id": "a1", "duration": {"seconds": 3}}}""", "documented shape")]
    [InlineData("""{"type": "video.upload.asset_created", "id": "e1", "data": {"id": "u1", "new_asset_settings": "signed"}}""", "documented shape")]
    public void Malformed_bodies_give_a_reason_instead_of_throwing(string body, string reason)
    {
        var ok = MuxWebhookEvent.TryParse(Encoding.UTF8.GetBytes(body), out var parsed, out var error);

        Assert.False(ok);
        Assert.Null(parsed);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    private static MuxWebhookEvent Parse(string body)
    {
        Assert.True(MuxWebhookEvent.TryParse(Encoding.UTF8.GetBytes(body), out var parsed, out var error), error);
        Assert.Null(error);
        return parsed;
    }

    /// <summary>The envelope of Mux's webhook reference: event id, type, object, environment, data, created_at, attempts.</summary>
    private static string Envelope(string type, string objectType, string objectId, string data) => $$"""
        {
          "type": "{{type}}",
          "request_id": null,
          "object": {"type": "{{objectType}}", "id": "{{objectId}}"},
          "id": "{{EventId}}",
          "environment": {"name": "Production", "id": "j0863n"},
          "data": {{data}},
          "created_at": "2026-03-02T09:31:02.000000Z",
          "attempts": [],
          "accessor_source": null,
          "accessor": null
        }
        """;
}
