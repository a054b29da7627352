namespace LearnStream.Api.Features.Video;

/// <summary>Where the instructor sends the file: Mux's direct-upload URL, or this server's own.</summary>
public sealed record UploadTicket(string UploadId, string UploadUrl, DateTimeOffset? ExpiresAt);

/// <summary>What a player needs; every URL carries its own short-lived token.</summary>
public sealed record PlaybackUrls(string StreamUrl, string? ThumbnailUrl, string? StoryboardUrl, DateTimeOffset ExpiresAt);

/// <summary>The request a provider call is made for: who watches, and this service's public base address.</summary>
public sealed record VideoRequestContext(Uri ServiceBase, string ViewerId, string? Origin);

/// <summary>
/// A video provider (<c>Video:Provider</c>): <c>local</c> (ffmpeg to HLS, served by this service) or
/// <c>mux</c>. The shared code keeps the lesson's <see cref="LessonVideo"/> row; a provider makes
/// uploads, playback URLs and deletions, and moves the row forward (worker or webhooks).
/// </summary>
public interface IVideoProvider
{
    string Name { get; }

    Task<UploadTicket> CreateUploadAsync(string lessonId, VideoRequestContext request, CancellationToken ct);

    /// <summary>Signed URLs for a ready video, valid until the returned time.</summary>
    PlaybackUrls Playback(LessonVideo video, VideoRequestContext request, DateTimeOffset now);

    /// <summary>Removes what the provider holds for this video (asset, renditions). Must be safe to call twice.</summary>
    Task DeleteAsync(LessonVideo video, CancellationToken ct);
}

/// <summary>The provider refused or could not be reached; the message is safe to show.</summary>
public sealed class VideoProviderException(string message, Exception? inner = null) : Exception(message, inner);

public sealed class VideoOptions
{
    public const string Section = "Video";
    public const string Local = "local";
    public const string Mux = "mux";

    /// <summary><c>local</c> (self-hosted HLS, the embedded default) or <c>mux</c>.</summary>
    public string Provider { get; set; } = Local;

    /// <summary>How long playback URLs stay valid beyond the video's duration; capped at a day in all.</summary>
    public TimeSpan PlaybackMargin { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The lifetime of playback URLs for a video whose duration is known: duration plus margin, at most a day.</summary>
    public TimeSpan PlaybackLifetime(double? durationSeconds)
    {
        var lifetime = TimeSpan.FromSeconds(Math.Clamp(durationSeconds ?? 0, 0, 86_400)) + PlaybackMargin;
        return lifetime > TimeSpan.FromDays(1) ? TimeSpan.FromDays(1) : lifetime;
    }
}
