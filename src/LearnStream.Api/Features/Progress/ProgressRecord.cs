using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LearnStream.Api.Features.Progress;

/// <summary>
/// The relational row of one learner's progress in one lesson. Intervals and sessions are only ever
/// read and written whole, so each is one JSON column; watched seconds and position are copied out
/// as columns so aggregate queries need not parse JSON.
/// </summary>
public sealed class ProgressRecord
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary><see cref="LessonProgress.KeyOf"/>: one row per learner and lesson.</summary>
    public required string Id { get; set; }
    public Guid UserId { get; set; }
    public required string CourseId { get; set; }
    public required string LessonId { get; set; }

    /// <summary>JSON <c>[s0, e0, s1, e1, ...]</c>: <see cref="WatchedIntervals.ToFlat"/>.</summary>
    public required string Watched { get; set; }

    /// <summary>JSON <c>[{id, startedAt, sequence, position}, ...]</c>, newest first.</summary>
    public required string Sessions { get; set; }
    public double? Duration { get; set; }
    public double WatchedSeconds { get; set; }
    public double Position { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public DateTimeOffset FirstWatchedAt { get; set; }
    public DateTimeOffset LastWatchedAt { get; set; }

    /// <summary>Concurrency token: an update from a stale read matches no row and the batch is merged again.</summary>
    public long Version { get; set; }

    public static ProgressRecord From(LessonProgress progress)
    {
        var record = new ProgressRecord
        {
            Id = progress.Key,
            CourseId = progress.CourseId,
            LessonId = progress.LessonId,
            Watched = "[]",
            Sessions = "[]",
            Version = 1,
        };
        record.Apply(progress);
        return record;
    }

    /// <summary>Copies a merged state in; the key and version stay.</summary>
    public void Apply(LessonProgress progress)
    {
        UserId = progress.UserId;
        CourseId = progress.CourseId;
        LessonId = progress.LessonId;
        // System.Text.Json writes the shortest text that parses back to the same double.
        Watched = JsonSerializer.Serialize(progress.Watched.ToFlat(), Json);
        Sessions = JsonSerializer.Serialize(progress.Sessions, Json);
        Duration = progress.Duration;
        WatchedSeconds = progress.WatchedSeconds;
        Position = progress.Position;
        CompletedAt = progress.CompletedAt;
        FirstWatchedAt = progress.FirstWatchedAt;
        LastWatchedAt = progress.LastWatchedAt;
    }

    public LessonProgress ToProgress() => new()
    {
        UserId = UserId,
        CourseId = CourseId,
        LessonId = LessonId,
        Watched = WatchedIntervals.FromFlat(JsonSerializer.Deserialize<double[]>(Watched, Json) ?? []),
        Sessions = JsonSerializer.Deserialize<SessionMark[]>(Sessions, Json) ?? [],
        Duration = Duration,
        CompletedAt = CompletedAt,
        FirstWatchedAt = FirstWatchedAt,
        LastWatchedAt = LastWatchedAt,
    };
}

/// <summary>A day on which a learner watched something of a course: active-learner counts read these, not the beats.</summary>
public sealed class LearnerActivityRecord
{
    public required string CourseId { get; set; }
    public DateOnly Day { get; set; }
    public Guid UserId { get; set; }
}

public sealed class ProgressRecordConfiguration : IEntityTypeConfiguration<ProgressRecord>
{
    public void Configure(EntityTypeBuilder<ProgressRecord> builder)
    {
        builder.ToTable("lesson_progress");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).HasMaxLength(80);
        builder.Property(p => p.CourseId).HasMaxLength(36);
        builder.Property(p => p.LessonId).HasMaxLength(36);
        builder.Property(p => p.Version).IsConcurrencyToken();
        // History: a learner's rows by recency.
        builder.HasIndex(p => new { p.UserId, p.LastWatchedAt });
        // Course progress and "my progress" filtered by course.
        builder.HasIndex(p => new { p.UserId, p.CourseId });
        // Analytics: every learner of a course.
        builder.HasIndex(p => p.CourseId);
    }
}

public sealed class LearnerActivityRecordConfiguration : IEntityTypeConfiguration<LearnerActivityRecord>
{
    public void Configure(EntityTypeBuilder<LearnerActivityRecord> builder)
    {
        builder.ToTable("learner_activity");
        // Course first, then day: the key itself serves "a course's days from a date", so no second index.
        builder.HasKey(a => new { a.CourseId, a.Day, a.UserId });
        builder.Property(a => a.CourseId).HasMaxLength(36);
    }
}
