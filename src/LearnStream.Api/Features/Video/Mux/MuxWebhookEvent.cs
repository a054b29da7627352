using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace LearnStream.Api.Features.Video.Mux;

/// <summary>The webhook events the video feature acts on; every other type parses as <see cref="Unknown"/>.</summary>
public enum MuxWebhookEventKind
{
    Unknown,
    UploadAssetCreated,
    UploadCancelled,
    UploadErrored,
    AssetCreated,
    AssetReady,
    AssetErrored,
    AssetDeleted,
}

/// <summary>
/// One Mux webhook: the envelope (<c>id</c>, <c>type</c>, <c>created_at</c>, <c>object</c>, <c>data</c>), with
/// <c>data</c> read as a Direct Upload for video.upload.* events and as an Asset for video.asset.* events.
/// Parse only a body whose signature <see cref="MuxWebhookVerifier"/> accepted.
/// </summary>
public sealed record MuxWebhookEvent
{
    private static readonly Dictionary<string, MuxWebhookEventKind> Kinds = new(StringComparer.Ordinal)
    {
        ["video.upload.asset_created"] = MuxWebhookEventKind.UploadAssetCreated,
        ["video.upload.cancelled"] = MuxWebhookEventKind.UploadCancelled,
        ["video.upload.errored"] = MuxWebhookEventKind.UploadErrored,
        ["video.asset.created"] = MuxWebhookEventKind.AssetCreated,
        ["video.asset.ready"] = MuxWebhookEventKind.AssetReady,
        ["video.asset.errored"] = MuxWebhookEventKind.AssetErrored,
        ["video.asset.deleted"] = MuxWebhookEventKind.AssetDeleted,
    };

    /// <summary>Mux's event id; deliveries can repeat, so handlers use it to ignore duplicates.</summary>
    public required string Id { get; init; }

    public required string Type { get; init; }

    public MuxWebhookEventKind Kind { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>What the event is about, for example "asset" or "upload".</summary>
    public string? ObjectType { get; init; }

    public string? ObjectId { get; init; }

    /// <summary>Set for the video.upload.* kinds.</summary>
    public MuxUpload? Upload { get; init; }

    /// <summary>Set for the video.asset.* kinds.</summary>
    public MuxAsset? Asset { get; init; }

    /// <summary>Reads a webhook body; a body that is not a Mux event gives a reason instead of an exception.</summary>
    public static bool TryParse(
        ReadOnlySpan<byte> body,
        [NotNullWhen(true)] out MuxWebhookEvent? webhookEvent,
        [NotNullWhen(false)] out string? error)
    {
        webhookEvent = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException e)
        {
            error = $"The webhook body is not valid JSON: {e.Message}";
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "The webhook body is not a JSON object.";
                return false;
            }
            if (NonEmptyString(root, "id") is not { } id || NonEmptyString(root, "type") is not { } type)
            {
                error = "The webhook body has no \"id\" or no \"type\".";
                return false;
            }

            var kind = Kinds.GetValueOrDefault(type, MuxWebhookEventKind.Unknown);
            var parsed = new MuxWebhookEvent
            {
                Id = id,
                Type = type,
                Kind = kind,
                CreatedAt = root.TryGetProperty("created_at", out var createdAt)
                    && createdAt.ValueKind == JsonValueKind.String
                    && createdAt.TryGetDateTimeOffset(out var at) ? at : null,
                ObjectType = root.TryGetProperty("object", out var subject) && subject.ValueKind == JsonValueKind.Object
                    ? NonEmptyString(subject, "type") : null,
                ObjectId = subject.ValueKind == JsonValueKind.Object ? NonEmptyString(subject, "id") : null,
            };
            if (kind == MuxWebhookEventKind.Unknown)
            {
                webhookEvent = parsed;
                error = null;
                return true;
            }

            if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                error = $"The {type} event has no \"data\" object.";
                return false;
            }
            try
            {
                webhookEvent = type.StartsWith("video.upload.", StringComparison.Ordinal)
                    ? parsed with { Upload = RequireId(data.Deserialize<MuxUpload>(MuxJson.Options), u => u.Id) }
                    : parsed with { Asset = RequireId(data.Deserialize<MuxAsset>(MuxJson.Options), a => a.Id) };
            }
            catch (JsonException e)
            {
                error = $"The data of the {type} event does not have the documented shape: {e.Message}";
                return false;
            }
            error = null;
            return true;
        }
    }

    private static string? NonEmptyString(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            && value.GetString() is { Length: > 0 } text ? text : null;

    private static T RequireId<T>(T? value, Func<T, string> id) where T : class =>
        value is not null && !string.IsNullOrEmpty(id(value)) ? value : throw new JsonException("\"data.id\" is missing.");
}
