namespace LearnStream.Api.Features.Progress;

/// <summary>A span of a video in seconds, start inclusive, end exclusive.</summary>
public readonly record struct Interval(double Start, double End)
{
    public double Length => End - Start;
}

/// <summary>
/// The seconds of a video a learner has watched: sorted, disjoint intervals whose ends are whole
/// seconds. Union is commutative, associative and idempotent, so beats can arrive in any order, twice,
/// or on two nodes and still give one result. Ends are rounded to the nearest second on the way in:
/// rounding commutes with union, and it bounds the set to at most half the video's length in
/// intervals whatever a client sends.
/// </summary>
public sealed class WatchedIntervals : IEquatable<WatchedIntervals>
{
    public static readonly WatchedIntervals Empty = new([]);

    /// <summary>Intervals normalized on the stack rather than in a temporary array: 1 kB at most.</summary>
    private const int StackLimit = 64;

    private readonly Interval[] _items;

    private WatchedIntervals(Interval[] normalized) => _items = normalized;

    public IReadOnlyList<Interval> Items => _items;

    public int Count => _items.Length;

    /// <summary>Seconds covered at least once.</summary>
    public double Covered => CoveredBy(_items);

    /// <summary>Normalizes any intervals: rounds the ends, drops empty ones, sorts and joins overlapping or touching ones.</summary>
    public static WatchedIntervals From(IEnumerable<Interval> intervals)
    {
        if (!intervals.TryGetNonEnumeratedCount(out var count))
        {
            var listed = intervals.ToList();
            (intervals, count) = (listed, listed.Count);
        }
        // A beat's few intervals are normalized on the stack: only the result is allocated.
        var items = count <= StackLimit ? stackalloc Interval[count] : new Interval[count];
        var n = 0;
        foreach (var i in intervals)
        {
            items[n++] = i;
        }
        n = Normalize(items[..n]);
        return n == 0 ? Empty : new WatchedIntervals(items[..n].ToArray());
    }

    /// <summary>Already normalized (sorted, disjoint, whole ends), as <see cref="Span"/> gives them: copied as they are.</summary>
    internal static WatchedIntervals FromNormalized(ReadOnlySpan<Interval> normalized) =>
        normalized.IsEmpty ? Empty : new WatchedIntervals(normalized.ToArray());

    /// <summary>The intervals, sorted and disjoint.</summary>
    internal ReadOnlySpan<Interval> Span => _items;

    /// <summary>Seconds covered by normalized intervals.</summary>
    internal static double CoveredBy(ReadOnlySpan<Interval> normalized)
    {
        double sum = 0;
        foreach (var item in normalized)
        {
            sum += item.Length;
        }
        return sum;
    }

    /// <summary>
    /// Normalizes in place: rounds the ends, drops empty intervals, sorts and joins overlapping or touching
    /// ones. Returns how many are left, at the start of <paramref name="items"/>.
    /// </summary>
    internal static int Normalize(Span<Interval> items)
    {
        var n = 0;
        foreach (var i in items)
        {
            var item = new Interval(Whole(i.Start), Whole(i.End));
            if (item.End > item.Start)
            {
                items[n++] = item;
            }
        }
        if (n == 0)
        {
            return 0;
        }
        var sorted = items[..n];
        sorted.Sort(ByStart);
        var last = 0;
        for (var i = 1; i < sorted.Length; i++)
        {
            if (sorted[i].Start <= sorted[last].End)
            {
                sorted[last] = sorted[last] with { End = Math.Max(sorted[last].End, sorted[i].End) };
            }
            else
            {
                sorted[++last] = sorted[i];
            }
        }
        return last + 1;
    }

    /// <summary>
    /// The union of two normalized sets into <paramref name="into"/> (room for both); returns its length. Both
    /// sides are sorted and disjoint: one pass, taking the next interval from either side by start.
    /// </summary>
    internal static int UnionInto(ReadOnlySpan<Interval> x, ReadOnlySpan<Interval> y, Span<Interval> into)
    {
        int a = 0, b = 0, n = 0;
        while (a < x.Length || b < y.Length)
        {
            var next = b == y.Length || (a < x.Length && x[a].Start <= y[b].Start) ? x[a++] : y[b++];
            if (n > 0 && next.Start <= into[n - 1].End)
            {
                into[n - 1] = into[n - 1] with { End = Math.Max(into[n - 1].End, next.End) };
            }
            else
            {
                into[n++] = next;
            }
        }
        return n;
    }

    /// <summary>
    /// Clamps normalized intervals to [0, duration] in place, as <see cref="ClampTo"/> does; returns how many
    /// are left. Intervals already inside stay as they are.
    /// </summary>
    internal static int ClampInPlace(Span<Interval> normalized, double duration)
    {
        if (normalized.IsEmpty || (normalized[0].Start >= 0 && normalized[^1].End <= duration))
        {
            return normalized.Length;
        }
        foreach (ref var i in normalized)
        {
            i = new Interval(Math.Max(0, i.Start), Math.Min(duration, i.End));
        }
        return Normalize(normalized);
    }

    /// <summary>From the flat stored form <c>[s0, e0, s1, e1, ...]</c>.</summary>
    public static WatchedIntervals FromFlat(IReadOnlyList<double> flat)
    {
        var intervals = new List<Interval>(flat.Count / 2);
        for (var i = 0; i + 1 < flat.Count; i += 2)
        {
            intervals.Add(new Interval(flat[i], flat[i + 1]));
        }
        return From(intervals);
    }

    public double[] ToFlat()
    {
        var flat = new double[_items.Length * 2];
        for (var i = 0; i < _items.Length; i++)
        {
            flat[2 * i] = _items[i].Start;
            flat[2 * i + 1] = _items[i].End;
        }
        return flat;
    }

    public WatchedIntervals Union(WatchedIntervals other)
    {
        if (other.Count == 0 || ReferenceEquals(this, other))
        {
            return this;
        }
        if (Count == 0)
        {
            return other;
        }
        var total = _items.Length + other._items.Length;
        var joined = total <= StackLimit ? stackalloc Interval[total] : new Interval[total];
        var union = joined[..UnionInto(_items, other._items, joined)];
        // A beat that adds nothing new (a replay, a pause) leaves the union as it was: no copy of it.
        return union.SequenceEqual(_items) ? this : union.SequenceEqual(other._items) ? other : new WatchedIntervals(union.ToArray());
    }

    /// <summary>The part inside [0, duration].</summary>
    public WatchedIntervals ClampTo(double duration)
    {
        if (Count == 0 || (_items[0].Start >= 0 && _items[^1].End <= duration))
        {
            return this;
        }
        var items = Count <= StackLimit ? stackalloc Interval[Count] : new Interval[Count];
        _items.CopyTo(items);
        return FromNormalized(items[..ClampInPlace(items, duration)]);
    }

    /// <summary>Seconds covered within [from, to).</summary>
    public double CoveredWithin(double from, double to)
    {
        double sum = 0;
        foreach (var item in _items)
        {
            var start = Math.Max(from, item.Start);
            var end = Math.Min(to, item.End);
            if (end > start)
            {
                sum += end - start;
            }
        }
        return sum;
    }

    public bool Equals(WatchedIntervals? other) => other is not null && _items.AsSpan().SequenceEqual(other._items);

    public override bool Equals(object? obj) => Equals(obj as WatchedIntervals);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in _items)
        {
            hash.Add(item);
        }
        return hash.ToHashCode();
    }

    public override string ToString() => string.Join(", ", _items.Select(i => $"[{i.Start}, {i.End})"));

    private static int ByStart(Interval x, Interval y) => x.Start.CompareTo(y.Start);

    // Adding 0.0 turns the -0 that rounding a small negative gives into 0: equal either way, but one way to write it.
    private static double Whole(double seconds) => Math.Round(seconds, MidpointRounding.AwayFromZero) + 0.0;
}
