using System.ComponentModel.DataAnnotations;
using LearnStream.Api.Common;

namespace LearnStream.Api.Features.Video.Local;

/// <summary>The self-hosted video pipeline (<c>Video:Provider=local</c>): where HLS sets live and how they are made and served.</summary>
public sealed record LocalVideoOptions
{
    public const string Section = "Video:Local";

    public const long DefaultMaxUploadBytes = 2L * 1024 * 1024 * 1024;

    /// <summary>Where transcoded lessons live; unset means <c>{DataDirectory}/media</c>, and a relative path is taken under DataDirectory.</summary>
    public string? MediaDirectory { get; set; }

    /// <summary>2 GiB holds an hour of 1080p screen recording at a typical camera bitrate; larger sources should be compressed first.</summary>
    [Range(typeof(long), "1048576", "68719476736", ParseLimitsInInvariantCulture = true, ConvertValueInInvariantCulture = true)]
    public long MaxUploadBytes { get; set; } = DefaultMaxUploadBytes;

    /// <summary>
    /// One at a time by default: a transcode already keeps every core of a small server busy, and a second
    /// one would only make both slower while starving the API.
    /// </summary>
    [Range(1, 16)]
    public int MaxConcurrentTranscodes { get; set; } = 1;

    /// <summary>
    /// How long a media URL stays usable once handed out: 10 minutes, the same as an access token. Long
    /// enough to start playback on a slow link and for a player's retries; short enough that a copied link
    /// dies soon. It does not cap a viewing: see <see cref="SegmentTokenLifetime"/>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "01:00:00", ParseLimitsInInvariantCulture = true, ConvertValueInInvariantCulture = true)]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A bare name is looked up on PATH.</summary>
    [Required]
    public string FfmpegPath { get; set; } = "ffmpeg";

    [Required]
    public string FfprobePath { get; set; } = "ffprobe";

    public string ResolveMediaDirectory(DataDirectory data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return string.IsNullOrWhiteSpace(MediaDirectory)
            ? data.Combine("media")
            : Path.GetFullPath(MediaDirectory, data.Path);
    }

    /// <summary>
    /// Lifetime for the segment URLs written into a media playlist. A player reads a VOD playlist once and
    /// then fetches its segments for as long as the video plays, so those tokens must outlive the video;
    /// a pause longer than <see cref="TokenLifetime"/> still ends with the player asking for a new playback URL.
    /// </summary>
    public TimeSpan SegmentTokenLifetime(TimeSpan videoDuration) =>
        TokenLifetime + (videoDuration > TimeSpan.Zero ? videoDuration : TimeSpan.Zero);
}
