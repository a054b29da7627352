using System.Linq.Expressions;
using LearnStream.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LearnStream.Api.Features.Video.Mux;

/// <summary>How a delivery ended: refused (signature or body), a duplicate, or recorded and applied.</summary>
public sealed record MuxWebhookOutcome(string? Refusal, bool Duplicate = false);

/// <summary>
/// Verifies a Mux delivery over its raw bytes and applies it once. The event id is inserted in the
/// transaction that applies the event, so a second delivery (Mux retries, and may repeat even after a
/// 2xx) fails on the key and changes nothing. Every change is a conditional update on what the lesson's
/// row still names, so late events about a replaced upload or a deleted asset are recorded and ignored.
/// No call to Mux is made here: the events carry everything, and Mux wants a fast answer.
/// </summary>
public sealed partial class MuxWebhookHandler(LearnStreamDbContext db, IOptions<MuxOptions> options, TimeProvider time, ILogger<MuxWebhookHandler> logger)
{
    public const string AssetDeleted = "video.asset.deleted";

    private const int MaxErrorLength = 1000;

    public async Task<MuxWebhookOutcome> HandleAsync(byte[] body, string? signature, CancellationToken ct)
    {
        var secret = options.Value.WebhookSecret;
        if (string.IsNullOrEmpty(secret))
        {
            return Refuse("Mux:WebhookSecret is not configured, so no delivery can be verified.");
        }
        var check = MuxWebhookVerifier.Verify(signature, body, secret, time.GetUtcNow());
        if (check != MuxSignatureCheck.Valid)
        {
            return Refuse(check switch
            {
                MuxSignatureCheck.Missing => "The mux-signature header is missing.",
                MuxSignatureCheck.Malformed => "The mux-signature header is not t=<seconds>,v1=<hex>.",
                MuxSignatureCheck.Stale => "The mux-signature timestamp is more than five minutes from our clock.",
                _ => "The mux-signature does not match this body.",
            });
        }
        if (!MuxWebhookEvent.TryParse(body, out var webhook, out var error))
        {
            return Refuse(error);
        }
        if (!FitsOurColumns(webhook))
        {
            return Refuse("The event's id, type or object ids are longer than Mux ever sends.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var seen = new VideoEvent
        {
            Id = webhook.Id, Type = webhook.Type, AssetId = webhook.Asset?.Id ?? webhook.Upload?.AssetId, ReceivedAt = time.GetUtcNow(),
        };
        if (!await db.TryInsertOnceAsync(seen, ct))
        {
            return new MuxWebhookOutcome(null, Duplicate: true);
        }
        var changed = await ApplyAsync(webhook, ct);
        await transaction.CommitAsync(ct);
        if (changed == 0 && webhook.Kind != MuxWebhookEventKind.Unknown)
        {
            LogUnmatched(logger, webhook.Id, webhook.Type, webhook.ObjectId);
        }
        return new MuxWebhookOutcome(null);
    }

    /// <summary>Mux's error messages as one line for the lesson's <c>error</c>.</summary>
    public static string Describe(MuxAssetErrors? errors) =>
        Truncate(errors?.Messages is { Count: > 0 } messages ? string.Join(" ", messages) : "Mux could not process this video.");

    private async Task<int> ApplyAsync(MuxWebhookEvent webhook, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        switch (webhook.Kind)
        {
            case MuxWebhookEventKind.UploadAssetCreated when webhook.Upload is { AssetId: { Length: > 0 } assetId } upload:
                if (await WasDeletedAsync(assetId, ct))
                {
                    return 0;
                }
                return await Mux().Where(v => v.UploadId == upload.Id && (v.AssetId == null || v.AssetId == assetId))
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(v => v.AssetId, assetId)
                        .SetProperty(v => v.Status, v => v.Status == VideoStatus.Ready || v.Status == VideoStatus.Errored ? v.Status : VideoStatus.Processing)
                        .SetProperty(v => v.UpdatedAt, now), ct);

            case MuxWebhookEventKind.UploadCancelled or MuxWebhookEventKind.UploadErrored when webhook.Upload is { } upload:
                var message = Truncate(webhook.Kind == MuxWebhookEventKind.UploadCancelled
                    ? "The upload was cancelled before the file arrived."
                    : upload.Error?.Message is { Length: > 0 } reason ? reason : "Mux could not accept the uploaded file.");
                return await Mux().Where(v => v.UploadId == upload.Id && v.Status == VideoStatus.Uploading)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(v => v.Status, VideoStatus.Errored)
                        .SetProperty(v => v.Error, message)
                        .SetProperty(v => v.UpdatedAt, now), ct);

            case MuxWebhookEventKind.AssetCreated when webhook.Asset is { } asset:
                return await WasDeletedAsync(asset.Id, ct) ? 0 : await Mux().Where(Names(asset))
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(v => v.AssetId, asset.Id)
                        .SetProperty(v => v.Status, v => v.Status == VideoStatus.Ready || v.Status == VideoStatus.Errored ? v.Status : VideoStatus.Processing)
                        .SetProperty(v => v.UpdatedAt, now), ct);

            case MuxWebhookEventKind.AssetReady when webhook.Asset is { } asset:
                if (await WasDeletedAsync(asset.Id, ct))
                {
                    return 0;
                }
                if (asset.SignedPlaybackId is not { } playback)
                {
                    // We only create signed playback; an asset someone made public is not served.
                    return await MarkErroredAsync(asset, "The asset has no signed playback id, and lessons are served through signed playback only.", now, ct);
                }
                return await Mux().Where(Names(asset))
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(v => v.AssetId, asset.Id)
                        .SetProperty(v => v.Status, VideoStatus.Ready)
                        .SetProperty(v => v.PlaybackId, playback.Id)
                        .SetProperty(v => v.Duration, asset.Duration)
                        .SetProperty(v => v.AspectRatio, asset.AspectRatio)
                        .SetProperty(v => v.Error, (string?)null)
                        .SetProperty(v => v.UpdatedAt, now), ct);

            case MuxWebhookEventKind.AssetErrored when webhook.Asset is { } asset:
                return await WasDeletedAsync(asset.Id, ct) ? 0 : await MarkErroredAsync(asset, Describe(asset.Errors), now, ct);

            case MuxWebhookEventKind.AssetDeleted when webhook.Asset is { } asset:
                // The event row keeps the asset id, so later events about this asset are ignored (WasDeletedAsync).
                return await Mux().Where(v => v.AssetId == asset.Id)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(v => v.Status, VideoStatus.None)
                        .SetProperty(v => v.AssetId, (string?)null)
                        .SetProperty(v => v.PlaybackId, (string?)null)
                        .SetProperty(v => v.Duration, (double?)null)
                        .SetProperty(v => v.AspectRatio, (string?)null)
                        .SetProperty(v => v.Error, (string?)null)
                        .SetProperty(v => v.UpdatedAt, now), ct);

            default:
                return 0; // recorded, so a replay is visibly a replay, and otherwise ignored
        }
    }

    private Task<int> MarkErroredAsync(MuxAsset asset, string message, DateTimeOffset now, CancellationToken ct) =>
        Mux().Where(Names(asset)).ExecuteUpdateAsync(s => s
            .SetProperty(v => v.AssetId, asset.Id)
            .SetProperty(v => v.Status, VideoStatus.Errored)
            .SetProperty(v => v.Error, Truncate(message))
            .SetProperty(v => v.UpdatedAt, now), ct);

    private IQueryable<LessonVideo> Mux() => db.LessonVideos.Where(v => v.Provider == VideoOptions.Mux);

    /// <summary>
    /// The lesson whose video this asset is: the row that names the asset; before the row knows it, the row
    /// waiting on the upload the asset came from; for an asset made without an upload (import), the row of
    /// the passthrough lesson that names neither an asset nor an upload. A row that moved on to another
    /// upload or asset does not match, so events about a replaced video change nothing.
    /// </summary>
    private static Expression<Func<LessonVideo, bool>> Names(MuxAsset asset)
    {
        var assetId = asset.Id;
        if (asset.UploadId is { Length: > 0 } uploadId)
        {
            return v => v.AssetId == assetId || (v.AssetId == null && v.UploadId == uploadId);
        }
        if (asset.Passthrough is { Length: > 0 } lessonId)
        {
            return v => v.AssetId == assetId || (v.AssetId == null && v.UploadId == null && v.LessonId == lessonId);
        }
        return v => v.AssetId == assetId;
    }

    private Task<bool> WasDeletedAsync(string assetId, CancellationToken ct) =>
        db.VideoEvents.AnyAsync(e => e.AssetId == assetId && e.Type == AssetDeleted, ct);

    private static bool FitsOurColumns(MuxWebhookEvent webhook) =>
        webhook.Id.Length <= 255 && webhook.Type.Length <= 100
        && new[] { webhook.Asset?.Id, webhook.Asset?.UploadId, webhook.Upload?.Id, webhook.Upload?.AssetId }.All(id => id is null || id.Length <= 255);

    private static string Truncate(string message) => message.Length <= MaxErrorLength ? message : message[..(MaxErrorLength - 1)] + "…";

    private MuxWebhookOutcome Refuse(string reason)
    {
        LogRefused(logger, reason);
        return new MuxWebhookOutcome(reason);
    }

    [LoggerMessage(LogLevel.Warning, "Mux webhook refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(LogLevel.Information, "Mux event {EventId} ({Type}, about {ObjectId}) matches no current lesson video; recorded and ignored")]
    private static partial void LogUnmatched(ILogger logger, string eventId, string type, string? objectId);
}
