using System.Net;
using System.Text;
using System.Text.Json;
using LearnStream.Api.Tests.Infrastructure;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;
using static LearnStream.Api.Tests.Video.WithMux.MuxWebhooks;

namespace LearnStream.Api.Tests.Video.WithMux;

/// <summary>POST /webhooks/mux: verified over the raw body, applied once, and never able to revive a replaced or deleted video.</summary>
public abstract class MuxWebhookTests(StoreFixture fixture)
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    private async Task<(MuxVideoLesson Lesson, string UploadId)> UploadingAsync()
    {
        var lesson = await _client.VideoLessonAsync();
        var upload = await _client.CreateUploadOkAsync(lesson.OwnerToken, lesson.LessonId);
        return (lesson, upload.Str("uploadId"));
    }

    private static string Ready(string assetId, string lessonId, string? uploadId, string playbackId, string? eventId = null) =>
        AssetEvent("video.asset.ready", MuxEmulator.AssetJson(assetId, "ready", lessonId, uploadId, playbackId, duration: MuxTestApi.Duration, aspectRatio: "16:9"), assetId, eventId);

    private static string Created(string assetId, string lessonId, string? uploadId, string? eventId = null) =>
        AssetEvent("video.asset.created", MuxEmulator.AssetJson(assetId, "preparing", lessonId, uploadId, MuxEmulator.NewId("pb")), assetId, eventId);

    private static async Task<JsonElement> ReceiptAsync(HttpResponseMessage response) => await response.JsonAsync(HttpStatusCode.OK);

    [Fact]
    public async Task Signed_deliveries_take_an_upload_through_processing_to_ready()
    {
        var (lesson, uploadId) = await UploadingAsync();
        var assetId = MuxEmulator.NewId("as");
        var playbackId = MuxEmulator.NewId("pb");

        using var first = await _client.DeliverAsync(UploadEvent("video.upload.asset_created", uploadId, lesson.LessonId, assetId));
        var receipt = await ReceiptAsync(first);
        var processing = await _client.VideoAsync(lesson.OwnerToken, lesson.LessonId);
        await _client.DeliverOkAsync(Created(assetId, lesson.LessonId, uploadId));
        await _client.DeliverOkAsync(Ready(assetId, lesson.LessonId, uploadId, playbackId));

        Assert.True(receipt.GetProperty("received").GetBoolean());
        Assert.False(receipt.GetProperty("duplicate").GetBoolean());
        Assert.Equal("processing", processing.Str("status"));
        Assert.Equal(assetId, processing.Str("assetId"));
        var ready = await _client.VideoAsync(lesson.OwnerToken, lesson.LessonId);
        Assert.Equal("ready", ready.Str("status"));
        Assert.Equal(assetId, ready.Str("assetId"));
        Assert.Equal(playbackId, ready.Str("playbackId"));
        Assert.Equal(MuxTestApi.Duration, ready.GetProperty("duration").GetDouble());
        Assert.Equal(JsonValueKind.Null, ready.GetProperty("error").ValueKind);
    }

    [Fact]
    public async Task A_delivery_signed_with_another_secret_is_400_and_changes_nothing()
    {
        var (lesson, uploadId) = await UploadingAsync();
        var body = UploadEvent("video.upload.asset_created", uploadId, lesson.LessonId, MuxEmulator.NewId("as"));

        using var forged = await _client.DeliverAsync(body, secret: "not-the-webhook-secret");

        await forged.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("uploading", await _client.VideoStatusAsync(lesson.OwnerToken, lesson.LessonId));
        // The refused delivery recorded nothing: Mux's genuine delivery of the same event still applies.
        using var genuine = await _client.DeliverAsync(body);
        Assert.False((await ReceiptAsync(genuine)).GetProperty("duplicate").GetBoolean());
        Assert.Equal("processing", await _client.VideoStatusAsync(lesson.OwnerToken, lesson.LessonId));
    }

    [Fact]
    public async Task A_signature_older_than_five_minutes_is_400_and_changes_nothing()
    {
        var (lesson, uploadId) = await UploadingAsync();
        var body = UploadEvent("video.upload.asset_created", uploadId, lesson.LessonId, MuxEmulator.NewId("as"));

        using var stale = await _client.DeliverAsync(body, signedAt: DateTimeOffset.UtcNow.AddMinutes(-6));

        await stale.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("uploading", await _client.VideoStatusAsync(lesson.OwnerToken, lesson.LessonId));
    }

    [Fact]
    public async Task A_missing_or_malformed_signature_and_a_signed_body_that_is_not_an_event_are_400()
    {
        var (lesson, uploadId) = await UploadingAsync();
        var body = UploadEvent("video.upload.asset_created", uploadId, lesson.LessonId, MuxEmulator.NewId("as"));
        using var unsigned = new HttpRequestMessage(HttpMethod.Post, MuxWebhooks.Path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

        using var missing = await _client.SendAsync(unsigned);
        using var malformed = await _client.DeliverAsync(body, signature: "t=abc,v1=zz");
        using var notAnEvent = await _client.DeliverAsync("""{"hello": "world"}""");
        using var notJson = await _client.DeliverAsync("<html>");

        foreach (var response in new[] { missing, malformed, notAnEvent, notJson })
        {
            await response.ProblemAsync(HttpStatusCode.BadRequest);
        }
        Assert.Equal("uploading", await _client.VideoStatusAsync(lesson.OwnerToken, lesson.LessonId));
    }

    [Fact]
    public async Task A_second_delivery_of_an_event_changes_nothing()
    {
        var (lesson, uploadId) = await UploadingAsync();
        var assetId = MuxEmulator.NewId("as");
        var errored = AssetEvent("video.asset.errored",
            MuxEmulator.AssetJson(assetId, "errored", lesson.LessonId, uploadId, MuxEmulator.NewId("pb"), error: "Transient encoder failure."), assetId);
        await _client.DeliverOkAsync(errored);
        await _client.DeliverOkAsync(Ready(assetId, lesson.LessonId, uploadId, MuxEmulator.NewId("pb")));

        // Mux may deliver an event again, even after a 2xx; applied again, this one would undo "ready".
        using var again = await _client.DeliverAsync(errored);

        Assert.True((await ReceiptAsync(again)).GetProperty("duplicate").GetBoolean());
        var video = await _client.VideoAsync(lesson.OwnerToken, lesson.LessonId);
        Assert.Equal("ready", video.Str("status"));
        Assert.Equal(JsonValueKind.Null, video.GetProperty("error").ValueKind);
    }

    [Fact]
    public async Task Ten_concurrent_deliveries_of_one_event_all_get_2xx_and_apply_once()
    {
        var (lesson, uploadId) = await UploadingAsync();
        var assetId = MuxEmulator.NewId("as");
        var body = UploadEvent("video.upload.asset_created", uploadId, lesson.LessonId, assetId);

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => _client.DeliverAsync(body)));

        var receipts = new List<JsonElement>();
        foreach (var response in responses)
        {
            using (response)
            {
                receipts.Add(await ReceiptAsync(response));
            }
        }
        Assert.Single(receipts, r => !r.GetProperty("duplicate").GetBoolean());
        var video = await _client.VideoAsync(lesson.OwnerToken, lesson.LessonId);
        Assert.Equal("processing", video.Str("status"));
        Assert.Equal(assetId, video.Str("assetId"));
    }

    [Fact]
    public async Task Ready_arriving_before_created_leaves_the_video_ready()
    {
        var (lesson, uploadId) = await UploadingAsync();
        var assetId = MuxEmulator.NewId("as");
        var playbackId = MuxEmulator.NewId("pb");

        await _client.DeliverOkAsync(Ready(assetId, lesson.LessonId, uploadId, playbackId));
        await _client.DeliverOkAsync(Created(assetId, lesson.LessonId, uploadId));
        await _client.DeliverOkAsync(UploadEvent("video.upload.asset_created", uploadId, lesson.LessonId, assetId));

        var video = await _client.VideoAsync(lesson.OwnerToken, lesson.LessonId);
        Assert.Equal("ready", video.Str("status"));
        Assert.Equal(playbackId, video.Str("playbackId"));
    }

    [Fact]
    public async Task Created_or_ready_arriving_after_deleted_leaves_no_video()
    {
        var ready = await _client.ReadyVideoAsync(await _client.VideoLessonAsync());
        var (lesson, assetId) = (ready.Lesson, ready.AssetId);

        await _client.DeliverOkAsync(AssetEvent("video.asset.deleted",
            MuxEmulator.AssetJson(assetId, "ready", lesson.LessonId, ready.UploadId, ready.PlaybackId, duration: MuxTestApi.Duration), assetId));
        var deleted = await _client.VideoAsync(lesson.OwnerToken, lesson.LessonId);
        await _client.DeliverOkAsync(Created(assetId, lesson.LessonId, ready.UploadId));
        await _client.DeliverOkAsync(Ready(assetId, lesson.LessonId, ready.UploadId, ready.PlaybackId));

        Assert.Equal("none", deleted.Str("status"));
        Assert.Equal(JsonValueKind.Null, deleted.GetProperty("assetId").ValueKind);
        var after = await _client.VideoAsync(lesson.OwnerToken, lesson.LessonId);
        Assert.Equal("none", after.Str("status"));
        Assert.Equal(JsonValueKind.Null, after.GetProperty("assetId").ValueKind);
        Assert.Equal(JsonValueKind.Null, after.GetProperty("playbackId").ValueKind);
    }

    [Fact]
    public async Task Events_about_a_replaced_upload_change_nothing()
    {
        var (lesson, oldUpload) = await UploadingAsync();
        var current = (await _client.CreateUploadOkAsync(lesson.OwnerToken, lesson.LessonId)).Str("uploadId");
        var oldAsset = MuxEmulator.NewId("as");

        await _client.DeliverOkAsync(UploadEvent("video.upload.asset_created", oldUpload, lesson.LessonId, oldAsset));
        await _client.DeliverOkAsync(Created(oldAsset, lesson.LessonId, oldUpload));
        await _client.DeliverOkAsync(Ready(oldAsset, lesson.LessonId, oldUpload, MuxEmulator.NewId("pb")));
        await _client.DeliverOkAsync(UploadEvent("video.upload.cancelled", oldUpload, lesson.LessonId));

        var video = await _client.VideoAsync(lesson.OwnerToken, lesson.LessonId);
        Assert.Equal("uploading", video.Str("status"));
        Assert.Equal(JsonValueKind.Null, video.GetProperty("assetId").ValueKind);
        // The current upload still completes normally.
        await _client.DeliverOkAsync(UploadEvent("video.upload.asset_created", current, lesson.LessonId, MuxEmulator.NewId("as")));
        Assert.Equal("processing", await _client.VideoStatusAsync(lesson.OwnerToken, lesson.LessonId));
    }

    [Fact]
    public async Task Deletion_of_a_replaced_asset_leaves_the_new_upload_alone()
    {
        var ready = await _client.ReadyVideoAsync(await _client.VideoLessonAsync());
        await _client.CreateUploadOkAsync(ready.Lesson.OwnerToken, ready.Lesson.LessonId);

        // Replacing the video deleted the old asset at Mux, which then reports the deletion.
        await _client.DeliverOkAsync(AssetEvent("video.asset.deleted",
            MuxEmulator.AssetJson(ready.AssetId, "ready", ready.Lesson.LessonId, ready.UploadId, ready.PlaybackId), ready.AssetId));

        Assert.Equal("uploading", await _client.VideoStatusAsync(ready.Lesson.OwnerToken, ready.Lesson.LessonId));
    }

    [Fact]
    public async Task A_cancelled_or_errored_upload_ends_errored_with_a_message()
    {
        var (cancelledLesson, cancelled) = await UploadingAsync();
        var (erroredLesson, errored) = await UploadingAsync();

        await _client.DeliverOkAsync(UploadEvent("video.upload.cancelled", cancelled, cancelledLesson.LessonId));
        await _client.DeliverOkAsync(UploadEvent("video.upload.errored", errored, erroredLesson.LessonId, error: "The uploaded file is not a video."));

        var one = await _client.VideoAsync(cancelledLesson.OwnerToken, cancelledLesson.LessonId);
        var two = await _client.VideoAsync(erroredLesson.OwnerToken, erroredLesson.LessonId);
        Assert.Equal("errored", one.Str("status"));
        Assert.Contains("cancelled", one.Str("error"), StringComparison.Ordinal);
        Assert.Equal("errored", two.Str("status"));
        Assert.Equal("The uploaded file is not a video.", two.Str("error"));
    }

    [Fact]
    public async Task An_errored_asset_ends_errored_with_muxs_messages()
    {
        var (lesson, uploadId) = await UploadingAsync();
        var assetId = MuxEmulator.NewId("as");

        await _client.DeliverOkAsync(AssetEvent("video.asset.errored",
            MuxEmulator.AssetJson(assetId, "errored", lesson.LessonId, uploadId, MuxEmulator.NewId("pb"), error: "The input file could not be processed."), assetId));

        var video = await _client.VideoAsync(lesson.OwnerToken, lesson.LessonId);
        Assert.Equal("errored", video.Str("status"));
        Assert.Equal("The input file could not be processed.", video.Str("error"));
        Assert.Equal(assetId, video.Str("assetId"));
    }

    [Fact]
    public async Task An_event_type_we_do_not_handle_is_recorded_and_answered_200()
    {
        var eventId = Guid.NewGuid().ToString();
        var body = Event("video.asset.track.ready", "asset", "as-unknown", """{"id": "track1", "type": "text"}""", eventId);

        using var first = await _client.DeliverAsync(body);
        using var second = await _client.DeliverAsync(body);

        Assert.False((await ReceiptAsync(first)).GetProperty("duplicate").GetBoolean());
        Assert.True((await ReceiptAsync(second)).GetProperty("duplicate").GetBoolean());
    }
}

public sealed class MuxWebhookTests_Sqlite(MuxSqliteFixture fixture) : MuxWebhookTests(fixture), IClassFixture<MuxSqliteFixture>;

public sealed class MuxWebhookTests_Postgres(MuxPostgresFixture fixture) : MuxWebhookTests(fixture), IClassFixture<MuxPostgresFixture>;
