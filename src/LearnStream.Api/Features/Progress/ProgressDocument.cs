using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace LearnStream.Api.Features.Progress;

// Storage types with fixed element names, like the course documents. User ids are standard UUIDs
// (BSON binary subtype 4): 16 bytes in every index entry instead of a 36-character string. Times are
// BSON dates (milliseconds), the precision callers give.

/// <summary>One learner's progress in one lesson; <c>_id</c> is <see cref="LessonProgress.KeyOf"/>.</summary>
[BsonIgnoreExtraElements]
public sealed class ProgressDocument
{
    [BsonId]
    public required string Id { get; set; }

    [BsonElement("userId")]
    [BsonGuidRepresentation(GuidRepresentation.Standard)]
    public Guid UserId { get; set; }

    [BsonElement("courseId")]
    public required string CourseId { get; set; }

    [BsonElement("lessonId")]
    public required string LessonId { get; set; }

    /// <summary><c>[[start, end], ...]</c> in seconds, sorted and disjoint.</summary>
    [BsonElement("watched")]
    public List<double[]> Watched { get; set; } = [];

    /// <summary>Newest first.</summary>
    [BsonElement("sessions")]
    public List<SessionDocument> Sessions { get; set; } = [];

    [BsonElement("duration")]
    [BsonIgnoreIfNull]
    public double? Duration { get; set; }

    /// <summary>Copied out of <see cref="Watched"/> so aggregations need not unwind it.</summary>
    [BsonElement("watchedSeconds")]
    public double WatchedSeconds { get; set; }

    [BsonElement("position")]
    public double Position { get; set; }

    [BsonElement("completedAt")]
    [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
    [BsonIgnoreIfNull]
    public DateTime? CompletedAt { get; set; }

    [BsonElement("firstWatchedAt")]
    [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
    public DateTime FirstWatchedAt { get; set; }

    [BsonElement("lastWatchedAt")]
    [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
    public DateTime LastWatchedAt { get; set; }

    /// <summary>Replaces are conditional on it: a write from a stale read matches nothing and is merged again.</summary>
    [BsonElement("v")]
    public long Version { get; set; }

    public static ProgressDocument From(LessonProgress progress, long version) => new()
    {
        Id = progress.Key,
        UserId = progress.UserId,
        CourseId = progress.CourseId,
        LessonId = progress.LessonId,
        Watched = [.. progress.Watched.Items.Select(i => new[] { i.Start, i.End })],
        Sessions = [.. progress.Sessions.Select(SessionDocument.From)],
        Duration = progress.Duration,
        WatchedSeconds = progress.WatchedSeconds,
        Position = progress.Position,
        CompletedAt = progress.CompletedAt?.UtcDateTime,
        FirstWatchedAt = progress.FirstWatchedAt.UtcDateTime,
        LastWatchedAt = progress.LastWatchedAt.UtcDateTime,
        Version = version,
    };

    public LessonProgress ToProgress() => new()
    {
        UserId = UserId,
        CourseId = CourseId,
        LessonId = LessonId,
        Watched = WatchedIntervals.From(Watched.Where(w => w.Length == 2).Select(w => new Interval(w[0], w[1]))),
        Sessions = Sessions.ConvertAll(s => s.ToMark()),
        Duration = Duration,
        CompletedAt = CompletedAt is { } completed ? Utc(completed) : null,
        FirstWatchedAt = Utc(FirstWatchedAt),
        LastWatchedAt = Utc(LastWatchedAt),
    };

    internal static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));
}

public sealed class SessionDocument
{
    [BsonElement("id")]
    public required string Id { get; set; }

    [BsonElement("startedAt")]
    [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
    public DateTime StartedAt { get; set; }

    [BsonElement("sequence")]
    public long Sequence { get; set; }

    [BsonElement("position")]
    public double Position { get; set; }

    public static SessionDocument From(SessionMark mark) => new()
    {
        Id = mark.Id,
        StartedAt = mark.StartedAt.UtcDateTime,
        Sequence = mark.Sequence,
        Position = mark.Position,
    };

    public SessionMark ToMark() => new(Id, ProgressDocument.Utc(StartedAt), Sequence, Position);
}

/// <summary>
/// A day on which a learner watched something of a course. <c>_id</c> is
/// <c>{courseId}|{yyyy-MM-dd}|{userId:N}</c>, so recording the same day twice is an upsert of one
/// document. The day is a <c>yyyy-MM-dd</c> string: it sorts and compares as the date does.
/// </summary>
[BsonIgnoreExtraElements]
public sealed class ActivityDocument
{
    internal const string DayFormat = "yyyy-MM-dd";

    [BsonId]
    public required string Id { get; set; }

    [BsonElement("courseId")]
    public required string CourseId { get; set; }

    [BsonElement("day")]
    public required string Day { get; set; }

    [BsonElement("userId")]
    [BsonGuidRepresentation(GuidRepresentation.Standard)]
    public Guid UserId { get; set; }

    public static string DayOf(DateOnly day) => day.ToString(DayFormat, System.Globalization.CultureInfo.InvariantCulture);

    public static string KeyOf(string courseId, DateOnly day, Guid userId) => $"{courseId}|{DayOf(day)}|{userId:N}";

    public ActivityDay ToActivityDay() =>
        new(CourseId, UserId, DateOnly.ParseExact(Day, DayFormat, System.Globalization.CultureInfo.InvariantCulture));
}
