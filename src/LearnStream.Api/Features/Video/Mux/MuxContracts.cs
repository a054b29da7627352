using System.Text.Json;

namespace LearnStream.Api.Features.Video.Mux;

// The parts of Mux's Asset and Direct Upload objects we use. The API and the webhooks carry the same objects,
// so both read them through these types; fields we do not name are ignored.

public sealed record MuxPlaybackId
{
    public string Id { get; init; } = "";

    /// <summary>"public", "signed" or "drm".</summary>
    public string Policy { get; init; } = "";
}

public sealed record MuxAssetErrors
{
    public string? Type { get; init; }

    public IReadOnlyList<string> Messages { get; init; } = [];
}

public sealed record MuxAsset
{
    public string Id { get; init; } = "";

    /// <summary>"preparing", "ready" or "errored".</summary>
    public string Status { get; init; } = "";

    public IReadOnlyList<MuxPlaybackId> PlaybackIds { get; init; } = [];

    /// <summary>Seconds; absent until the asset is ready.</summary>
    public double? Duration { get; init; }

    /// <summary>"width:height", for example "16:9".</summary>
    public string? AspectRatio { get; init; }

    public string? Passthrough { get; init; }

    /// <summary>Set when the asset came from a direct upload.</summary>
    public string? UploadId { get; init; }

    public MuxAssetErrors? Errors { get; init; }

    public MuxPlaybackId? SignedPlaybackId => PlaybackIds.FirstOrDefault(p => p.Policy == "signed");
}

public sealed record MuxNewAssetSettings
{
    public string? Passthrough { get; init; }

    public IReadOnlyList<string> PlaybackPolicies { get; init; } = [];
}

public sealed record MuxUploadError
{
    public string? Type { get; init; }

    public string? Message { get; init; }
}

public sealed record MuxUpload
{
    public string Id { get; init; } = "";

    /// <summary>Where the browser PUTs the file; only present while the upload is waiting.</summary>
    public string? Url { get; init; }

    /// <summary>"waiting", "asset_created", "errored", "cancelled" or "timed_out".</summary>
    public string Status { get; init; } = "";

    /// <summary>Set once the status is "asset_created".</summary>
    public string? AssetId { get; init; }

    public MuxNewAssetSettings? NewAssetSettings { get; init; }

    public MuxUploadError? Error { get; init; }

    /// <summary>Seconds the upload URL stays open; Mux's default is 3600.</summary>
    public int? Timeout { get; init; }

    public string? Passthrough => NewAssetSettings?.Passthrough;
}

internal static class MuxJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };
}
