using System.Buffers;

namespace LearnStream.Api.Features.Progress;

/// <summary>What an answer to a write shows of the learner and lesson's merged state.</summary>
public sealed record ProgressSummary(string LessonId, double Position, double WatchedSeconds, double Percent, bool Completed)
{
    public static ProgressSummary Of(LessonProgress state) =>
        new(state.LessonId, state.Position, state.WatchedSeconds, state.Percent, state.Completed);
}

/// <summary>
/// One learner and lesson's state, merged in place: the join of <see cref="LessonProgress.Merge"/>, which
/// merges through it, without a new state per merge. The Redis buffer keeps one per pair it serves and
/// merges every beat into it. An
/// immutable state per beat is a new object graph that lives until the pair's next beat, seconds later:
/// long enough for the GC to copy it into older generations, beat after beat, for every pair. Here a
/// beat leaves at most one new session mark behind. Starts from a normalized state (every state the
/// service makes is: from a beat, a merge, the buffer or the store). Not thread-safe: the pair's lock
/// guards it.
/// </summary>
internal sealed class MergedProgress
{
    /// <summary>Intervals of a merge on the stack rather than in a temporary array: 1 kB at most.</summary>
    private const int StackLimit = 64;

    private Interval[] _watched;
    private int _watchedCount;
    private SessionMark[] _sessions;
    private int _sessionCount;

    public MergedProgress(LessonProgress state)
    {
        UserId = state.UserId;
        CourseId = state.CourseId;
        LessonId = state.LessonId;
        _watched = state.Watched.Span.ToArray();
        _watchedCount = _watched.Length;
        _sessionCount = state.Sessions.Count;
        _sessions = new SessionMark[_sessionCount + 1];
        for (var i = 0; i < _sessionCount; i++)
        {
            _sessions[i] = state.Sessions[i];
        }
        Duration = state.Duration;
        CompletedAt = state.CompletedAt;
        FirstWatchedAt = state.FirstWatchedAt;
        LastWatchedAt = state.LastWatchedAt;
    }

    public Guid UserId { get; }
    public string CourseId { get; private set; }
    public string LessonId { get; }
    public double? Duration { get; private set; }
    public DateTimeOffset? CompletedAt { get; private set; }
    public DateTimeOffset FirstWatchedAt { get; private set; }
    public DateTimeOffset LastWatchedAt { get; private set; }

    /// <summary>What a beat's answer shows, taken on every beat: the watched seconds summed once.</summary>
    public ProgressSummary Summary
    {
        get
        {
            var watched = WatchedIntervals.CoveredBy(_watched.AsSpan(0, _watchedCount));
            var completed = CompletedAt is not null;
            return new(LessonId, _sessionCount > 0 ? _sessions[0].Position : 0, watched,
                LessonProgress.PercentOf(watched, Duration, completed), completed);
        }
    }

    /// <summary>
    /// Merges <paramref name="other"/> in: watched intervals unite (clamped to the video), sessions keep their
    /// highest sequence and earliest start, first and last watched times take the min and max, and
    /// completion, once reached, stays; a video lesson completes when the united intervals cover
    /// <paramref name="completionThreshold"/> of its duration, dated by the latest activity merged so far.
    /// </summary>
    public void Merge(LessonProgress other, double completionThreshold)
    {
        if (other.UserId != UserId || other.LessonId != LessonId)
        {
            throw new ArgumentException("Progress of another learner or lesson.", nameof(other));
        }
        var theirs = other.Watched.Span;
        var total = _watchedCount + theirs.Length;
        var union = total <= StackLimit ? stackalloc Interval[total] : new Interval[total];
        union = union[..WatchedIntervals.UnionInto(_watched.AsSpan(0, _watchedCount), theirs, union)];
        // The newer state knows the current video; equal times keep the longer one, so the order of merging does not matter.
        var duration = LastWatchedAt != other.LastWatchedAt
            ? (LastWatchedAt > other.LastWatchedAt ? Duration ?? other.Duration : other.Duration ?? Duration)
            : Max(Duration, other.Duration);
        var last = LastWatchedAt > other.LastWatchedAt ? LastWatchedAt : other.LastWatchedAt;
        var completedAt = Min(CompletedAt, other.CompletedAt);
        if (completedAt is null && duration is > 0 && WatchedIntervals.CoveredBy(union) >= completionThreshold * duration.Value)
        {
            completedAt = last;
        }
        CourseId = string.CompareOrdinal(CourseId, other.CourseId) >= 0 ? CourseId : other.CourseId;
        if (duration is > 0)
        {
            union = union[..WatchedIntervals.ClampInPlace(union, duration.Value)];
        }
        if (union.Length > _watched.Length)
        {
            _watched = new Interval[Math.Max(union.Length, 2 * _watched.Length)];
        }
        union.CopyTo(_watched);
        _watchedCount = union.Length;
        MergeSessions(other.Sessions);
        Duration = duration;
        CompletedAt = completedAt;
        FirstWatchedAt = FirstWatchedAt < other.FirstWatchedAt ? FirstWatchedAt : other.FirstWatchedAt;
        LastWatchedAt = last;
    }

    /// <summary>The state as a <see cref="LessonProgress"/> of its own (a copy: later merges leave it as it is).</summary>
    public LessonProgress ToState() => new()
    {
        UserId = UserId,
        CourseId = CourseId,
        LessonId = LessonId,
        Watched = WatchedIntervals.FromNormalized(_watched.AsSpan(0, _watchedCount)),
        Sessions = _sessions.AsSpan(0, _sessionCount).ToArray(),
        Duration = Duration,
        CompletedAt = CompletedAt,
        FirstWatchedAt = FirstWatchedAt,
        LastWatchedAt = LastWatchedAt,
    };

    /// <summary>The buffer's JSON of the state, as <see cref="BufferedProgressJson.Serialize(LessonProgress)"/> writes it.</summary>
    public byte[] Serialize() => BufferedProgressJson.Serialize(UserId, CourseId, LessonId, _watched.AsSpan(0, _watchedCount),
        _sessions.AsSpan(0, _sessionCount), Duration, CompletedAt, FirstWatchedAt, LastWatchedAt);

    /// <summary>The same, appended to <paramref name="output"/>; returns its length (see <see cref="BufferedProgressJson.SerializeInto"/>).</summary>
    public int SerializeInto(IBufferWriter<byte> output) => BufferedProgressJson.SerializeInto(output, UserId, CourseId, LessonId,
        _watched.AsSpan(0, _watchedCount), _sessions.AsSpan(0, _sessionCount), Duration, CompletedAt, FirstWatchedAt, LastWatchedAt);

    /// <summary>Marks of one id joined, newest first, the first <see cref="LessonProgress.MaxSessions"/> kept.</summary>
    private void MergeSessions(IReadOnlyList<SessionMark> theirs)
    {
        if (theirs.Count == 0)
        {
            return;
        }
        // At most 2 x MaxSessions marks: a linear search by id beats a dictionary here.
        foreach (var mark in theirs)
        {
            var at = _sessionCount - 1;
            while (at >= 0 && _sessions[at].Id != mark.Id)
            {
                at--;
            }
            if (at >= 0)
            {
                _sessions[at] = Join(_sessions[at], mark);
                continue;
            }
            if (_sessionCount == _sessions.Length)
            {
                Array.Resize(ref _sessions, Math.Max(4, 2 * _sessions.Length));
            }
            _sessions[_sessionCount++] = mark;
        }
        _sessions.AsSpan(0, _sessionCount).Sort(NewestFirstOrder);
        if (_sessionCount > LessonProgress.MaxSessions)
        {
            Array.Clear(_sessions, LessonProgress.MaxSessions, _sessionCount - LessonProgress.MaxSessions);
            _sessionCount = LessonProgress.MaxSessions;
        }
    }

    // A delegate made once: sorting with a comparer object makes a delegate of its Compare on every sort, and this sort runs on every beat.
    private static readonly Comparison<SessionMark> NewestFirstOrder = NewestFirst;

    /// <summary>By first seen, newest first, then by id: a total order, so the kept sessions do not depend on the order of merging.</summary>
    private static int NewestFirst(SessionMark x, SessionMark y)
    {
        var byStart = y.StartedAt.CompareTo(x.StartedAt);
        return byStart != 0 ? byStart : string.CompareOrdinal(x.Id, y.Id);
    }

    /// <summary>The earliest start, and the position of the highest sequence (ties: the larger position).</summary>
    private static SessionMark Join(SessionMark x, SessionMark y)
    {
        var started = x.StartedAt < y.StartedAt ? x.StartedAt : y.StartedAt;
        var ahead = x.Sequence != y.Sequence ? (x.Sequence > y.Sequence ? x : y) : (x.Position >= y.Position ? x : y);
        return ahead.StartedAt == started ? ahead : ahead with { StartedAt = started };
    }

    private static double? Max(double? x, double? y) => x is null ? y : y is null ? x : Math.Max(x.Value, y.Value);

    private static DateTimeOffset? Min(DateTimeOffset? x, DateTimeOffset? y) => x is null ? y : y is null ? x : (x < y ? x : y);
}
