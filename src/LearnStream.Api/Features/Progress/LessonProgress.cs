namespace LearnStream.Api.Features.Progress;

/// <summary>
/// Where a player session stood: the beat with the highest sequence seen from it, and when the server
/// first saw the session. The session that started last gives the resume position.
/// </summary>
public sealed record SessionMark(string Id, DateTimeOffset StartedAt, long Sequence, double Position);

/// <summary>
/// One learner's progress in one lesson. The merge is a join: watched intervals unite, sessions keep
/// their highest sequence and earliest start, first and last watched times take the min and max, and
/// completion, once reached, stays. So merging the same states in any order, any number of times,
/// gives one result; the buffer, a retried flush and two nodes can all merge without coordination.
/// </summary>
public sealed record LessonProgress
{
    /// <summary>Sessions remembered per learner and lesson; older ones only lose their say in the resume position.</summary>
    public const int MaxSessions = 16;

    public required Guid UserId { get; init; }
    public required string CourseId { get; init; }
    public required string LessonId { get; init; }
    public WatchedIntervals Watched { get; init; } = WatchedIntervals.Empty;

    /// <summary>Newest first (by <see cref="SessionMark.StartedAt"/>, then id); at most <see cref="MaxSessions"/>.</summary>
    public IReadOnlyList<SessionMark> Sessions { get; init; } = [];

    /// <summary>The video's length when last watched; null for text lessons.</summary>
    public double? Duration { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public required DateTimeOffset FirstWatchedAt { get; init; }
    public required DateTimeOffset LastWatchedAt { get; init; }

    public bool Completed => CompletedAt is not null;

    /// <summary>Where to resume: the latest position of the session that started last.</summary>
    public double Position => Sessions.Count > 0 ? Sessions[0].Position : 0;

    public double WatchedSeconds => Watched.Covered;

    /// <summary>Watched share of the video in percent (one decimal); 100 for a completed text lesson.</summary>
    public double Percent => PercentOf(WatchedSeconds, Duration, Completed);

    internal static double PercentOf(double watchedSeconds, double? duration, bool completed) => duration is > 0
        ? Math.Min(100, Math.Round(watchedSeconds / duration.Value * 100, 1))
        : completed ? 100 : 0;

    public static string KeyOf(Guid userId, string lessonId) => $"{userId:N}:{lessonId}";

    public string Key => KeyOf(UserId, LessonId);

    /// <summary>
    /// The state one beat stands for, its intervals and position already validated. With a threshold, a
    /// beat that alone covers it is complete, as a merge would mark it (a first beat has nothing to merge with).
    /// </summary>
    public static LessonProgress FromBeat(Guid userId, string courseId, string lessonId, ProgressBeat beat, double duration, DateTimeOffset at,
        double? completionThreshold = null)
    {
        var state = new LessonProgress
        {
            UserId = userId,
            CourseId = courseId,
            LessonId = lessonId,
            Watched = WatchedIntervals.From(beat.Watched).ClampTo(duration),
            // A finished video starts again from the beginning next time.
            Sessions = [new SessionMark(beat.SessionId, at, beat.Sequence, beat.Event == BeatEvent.Ended ? 0 : Math.Min(beat.Position, duration))],
            Duration = duration,
            FirstWatchedAt = at,
            LastWatchedAt = at,
        };
        return completionThreshold is { } threshold && duration > 0 && state.WatchedSeconds >= threshold * duration
            ? state with { CompletedAt = at }
            : state;
    }

    /// <summary>The state of a text lesson marked complete.</summary>
    public static LessonProgress CompletedText(Guid userId, string courseId, string lessonId, DateTimeOffset at) => new()
    {
        UserId = userId,
        CourseId = courseId,
        LessonId = lessonId,
        CompletedAt = at,
        FirstWatchedAt = at,
        LastWatchedAt = at,
    };

    /// <summary>
    /// The join of two states of the same learner and lesson. A video lesson becomes complete when the
    /// united intervals cover <paramref name="completionThreshold"/> of its duration; completion is
    /// dated by the latest activity merged so far and never goes back.
    /// </summary>
    public LessonProgress Merge(LessonProgress other, double completionThreshold)
    {
        // One implementation of the join: the Redis buffer's pairs merge in place with the same code.
        var merged = new MergedProgress(this);
        merged.Merge(other, completionThreshold);
        return merged.ToState();
    }

    /// <summary>Same progress, ignoring when completion was noticed (that depends on which beat tipped it).</summary>
    public bool SameProgressAs(LessonProgress other) =>
        UserId == other.UserId && LessonId == other.LessonId && CourseId == other.CourseId
        && Watched.Equals(other.Watched) && Sessions.SequenceEqual(other.Sessions) && Duration == other.Duration
        && Completed == other.Completed && FirstWatchedAt == other.FirstWatchedAt && LastWatchedAt == other.LastWatchedAt;
}
