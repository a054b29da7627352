using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LearnStream.Api.Features.Video;

public enum VideoStatus
{
    None,
    Uploading,
    Processing,
    Ready,
    Errored,
}

/// <summary>
/// The video of one lesson, whichever provider holds it. It lives in the relational store beside the
/// provider events that change it, so a webhook's effect and its "seen" mark commit together. Every
/// change is a conditional update on what the row still names (upload id, asset id), so a late event
/// about a replaced upload or a deleted asset cannot overwrite the current video.
/// </summary>
public sealed class LessonVideo
{
    public required string LessonId { get; set; }
    public required string CourseId { get; set; }
    public required string Provider { get; set; }
    public VideoStatus Status { get; set; }

    /// <summary>The current upload: Mux's upload id, or our own random upload id for the local provider.</summary>
    public string? UploadId { get; set; }
    public DateTimeOffset? UploadExpiresAt { get; set; }

    /// <summary>Mux's asset id; for the local provider, the id of the rendition set being served.</summary>
    public string? AssetId { get; set; }
    public string? PlaybackId { get; set; }
    public double? Duration { get; set; }
    public string? AspectRatio { get; set; }
    public string? Error { get; set; }

    /// <summary>Local provider: the uploaded file waiting for (or being) transcoded.</summary>
    public string? SourceFile { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public sealed class LessonVideoConfiguration : IEntityTypeConfiguration<LessonVideo>
{
    public void Configure(EntityTypeBuilder<LessonVideo> builder)
    {
        builder.ToTable("lesson_videos");
        builder.HasKey(v => v.LessonId);
        builder.Property(v => v.LessonId).HasMaxLength(36);
        builder.Property(v => v.CourseId).HasMaxLength(36);
        builder.Property(v => v.Provider).HasMaxLength(20);
        builder.Property(v => v.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(v => v.UploadId).HasMaxLength(255);
        builder.Property(v => v.AssetId).HasMaxLength(255);
        builder.Property(v => v.PlaybackId).HasMaxLength(255);
        builder.Property(v => v.AspectRatio).HasMaxLength(20);
        builder.Property(v => v.Error).HasMaxLength(1000);
        builder.Property(v => v.SourceFile).HasMaxLength(1000);
        builder.HasIndex(v => v.UploadId).IsUnique();
        builder.HasIndex(v => v.AssetId);
        builder.HasIndex(v => new { v.Provider, v.Status });
    }
}

/// <summary>A video provider event already applied, keyed by the provider's event id (Mux retries and may deliver twice).</summary>
public sealed class VideoEvent
{
    public required string Id { get; set; }
    public required string Type { get; set; }

    /// <summary>The asset the event was about; a recorded deletion keeps late events for that asset from reviving it.</summary>
    public string? AssetId { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
}

public sealed class VideoEventConfiguration : IEntityTypeConfiguration<VideoEvent>
{
    public void Configure(EntityTypeBuilder<VideoEvent> builder)
    {
        builder.ToTable("video_events");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).HasMaxLength(255);
        builder.Property(e => e.Type).HasMaxLength(100);
        builder.Property(e => e.AssetId).HasMaxLength(255);
        builder.HasIndex(e => new { e.AssetId, e.Type });
    }
}
