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
    public double Covered
    {
        get
        {
            double sum = 0;
            foreach (var item in _items)
            {
                sum += item.Length;
            }
            return sum;
        }
    }

    /// <summary>Normalizes any intervals: rounds the ends, drops empty ones, sorts and joins overlapping or touching ones.</summary>
    public static WatchedIntervals From(IEnumerable<Interval> intervals)
    {
        if (!intervals.TryGetNonEnumeratedCount(out var count))
        {
            var listed = intervals.ToList();
            (intervals, count) = (listed, listed.Count);
        }
        // A beat's few intervals are normalized on the stack: only the result is allocated.
        var rounded = count <= StackLimit ? stackalloc Interval[count] : new Interval[count];
        var n = 0;
        foreach (var i in intervals)
        {
            var item = new Interval(Math.Round(i.Start, MidpointRounding.AwayFromZero), Math.Round(i.End, MidpointRounding.AwayFromZero));
            if (item.End > item.Start)
            {
                rounded[n++] = item;
            }
        }
        if (n == 0)
        {
            return Empty;
        }
        rounded = rounded[..n];
        rounded.Sort(ByStart);
        return new WatchedIntervals(Join(rounded));
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
        // Both sides are sorted and disjoint: one pass, taking the next interval from either side by start.
        var total = _items.Length + other._items.Length;
        var joined = total <= StackLimit ? stackalloc Interval[total] : new Interval[total];
        int a = 0, b = 0, n = 0;
        while (a < _items.Length || b < other._items.Length)
        {
            var next = b == other._items.Length || (a < _items.Length && _items[a].Start <= other._items[b].Start) ? _items[a++] : other._items[b++];
            if (n > 0 && next.Start <= joined[n - 1].End)
            {
                joined[n - 1] = joined[n - 1] with { End = Math.Max(joined[n - 1].End, next.End) };
            }
            else
            {
                joined[n++] = next;
            }
        }
        // A beat that adds nothing new (a replay, a pause) leaves the union as it was: no copy of it.
        var union = joined[..n];
        return union.SequenceEqual(_items) ? this : union.SequenceEqual(other._items) ? other : new WatchedIntervals(union.ToArray());
    }

    /// <summary>The part inside [0, duration].</summary>
    public WatchedIntervals ClampTo(double duration)
    {
        if (Count == 0 || (_items[0].Start >= 0 && _items[^1].End <= duration))
        {
            return this;
        }
        return From(_items.Select(i => new Interval(Math.Max(0, i.Start), Math.Min(duration, i.End))));
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

    // Input sorted by start, every interval non-empty; joined in place.
    private static Interval[] Join(Span<Interval> sorted)
    {
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
        return sorted[..(last + 1)].ToArray();
    }
}
