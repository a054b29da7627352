using System.Buffers;

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
        if (other.UserId != UserId || other.LessonId != LessonId)
        {
            throw new ArgumentException("Progress of another learner or lesson.", nameof(other));
        }
        var watched = Watched.Union(other.Watched);
        // The newer state knows the current video; equal times keep the longer one, so the order of merging does not matter.
        var duration = LastWatchedAt != other.LastWatchedAt
            ? (LastWatchedAt > other.LastWatchedAt ? Duration ?? other.Duration : other.Duration ?? Duration)
            : Max(Duration, other.Duration);
        var last = Max(LastWatchedAt, other.LastWatchedAt);
        var completedAt = Min(CompletedAt, other.CompletedAt);
        if (completedAt is null && duration is > 0 && watched.Covered >= completionThreshold * duration.Value)
        {
            completedAt = last;
        }
        return this with
        {
            CourseId = string.CompareOrdinal(CourseId, other.CourseId) >= 0 ? CourseId : other.CourseId,
            Watched = duration is > 0 ? watched.ClampTo(duration.Value) : watched,
            Sessions = MergeSessions(Sessions, other.Sessions),
            Duration = duration,
            CompletedAt = completedAt,
            FirstWatchedAt = FirstWatchedAt < other.FirstWatchedAt ? FirstWatchedAt : other.FirstWatchedAt,
            LastWatchedAt = last,
        };
    }

    /// <summary>Same progress, ignoring when completion was noticed (that depends on which beat tipped it).</summary>
    public bool SameProgressAs(LessonProgress other) =>
        UserId == other.UserId && LessonId == other.LessonId && CourseId == other.CourseId
        && Watched.Equals(other.Watched) && Sessions.SequenceEqual(other.Sessions) && Duration == other.Duration
        && Completed == other.Completed && FirstWatchedAt == other.FirstWatchedAt && LastWatchedAt == other.LastWatchedAt;

    private static SessionMark[] MergeSessions(IReadOnlyList<SessionMark> a, IReadOnlyList<SessionMark> b)
    {
        if (b.Count == 0)
        {
            return [.. a];
        }
        // At most 2 x MaxSessions marks: a linear search by id beats a dictionary here, and a pooled array a list.
        var merged = ArrayPool<SessionMark>.Shared.Rent(a.Count + b.Count);
        try
        {
            var count = Add(merged, 0, a);
            count = Add(merged, count, b);
            Array.Sort(merged, 0, count, NewestFirstOrder);
            return merged.AsSpan(0, Math.Min(count, MaxSessions)).ToArray();
        }
        finally
        {
            ArrayPool<SessionMark>.Shared.Return(merged, clearArray: true);
        }

        static int Add(SessionMark[] merged, int count, IReadOnlyList<SessionMark> marks)
        {
            foreach (var mark in marks)
            {
                var at = count - 1;
                while (at >= 0 && merged[at].Id != mark.Id)
                {
                    at--;
                }
                if (at < 0)
                {
                    merged[count++] = mark;
                }
                else
                {
                    merged[at] = Join(merged[at], mark);
                }
            }
            return count;
        }
    }

    internal static readonly Comparer<SessionMark> NewestFirstOrder = Comparer<SessionMark>.Create(NewestFirst);

    /// <summary>By first seen, newest first, then by id: a total order, so the kept sessions do not depend on the order of merging.</summary>
    internal static int NewestFirst(SessionMark x, SessionMark y)
    {
        var byStart = y.StartedAt.CompareTo(x.StartedAt);
        return byStart != 0 ? byStart : string.CompareOrdinal(x.Id, y.Id);
    }

    internal static SessionMark Join(SessionMark x, SessionMark y)
    {
        var started = x.StartedAt < y.StartedAt ? x.StartedAt : y.StartedAt;
        var ahead = x.Sequence != y.Sequence ? (x.Sequence > y.Sequence ? x : y) : (x.Position >= y.Position ? x : y);
        return ahead.StartedAt == started ? ahead : ahead with { StartedAt = started };
    }

    internal static DateTimeOffset Max(DateTimeOffset x, DateTimeOffset y) => x > y ? x : y;

    internal static double? Max(double? x, double? y) => x is null ? y : y is null ? x : Math.Max(x.Value, y.Value);

    internal static DateTimeOffset? Min(DateTimeOffset? x, DateTimeOffset? y) => x is null ? y : y is null ? x : (x < y ? x : y);
}
