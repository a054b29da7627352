using CsCheck;
using LearnStream.Api.Features.Progress;

namespace LearnStream.Tests.Progress;

/// <summary>
/// Beats may arrive in any order, any number of times, on any node: the merged progress must not depend
/// on that. Each property is checked against an oracle computed here from the raw beats.
/// </summary>
public sealed class MergePropertyTests
{
    private const double Duration = 120;
    private const double Threshold = 0.9;
    private static readonly Guid Learner = Guid.Parse("0195a2c4-0000-7000-8000-000000000001");
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    private static readonly Gen<Interval> GenInterval =
        Gen.Select(Gen.Double[-10, 140], Gen.Double[0, 40], (start, length) => new Interval(start, start + length));

    private static readonly Gen<(string Session, long Sequence, double Position, Interval[] Watched, int Second, BeatEvent Event)> GenBeat =
        Gen.Select(Gen.OneOf("s1", "s2", "s3"), Gen.Long[0, 30], Gen.Double[0, 200], GenInterval.Array[0, 4], Gen.Int[0, 3600], Gen.Enum<BeatEvent>());

    private static LessonProgress State((string Session, long Sequence, double Position, Interval[] Watched, int Second, BeatEvent Event) b) =>
        LessonProgress.FromBeat(Learner, "course-1", "lesson-1", new ProgressBeat(b.Session, b.Sequence, b.Position, b.Watched, b.Event), Duration, T0.AddSeconds(b.Second));

    private static LessonProgress Fold(IEnumerable<LessonProgress> states) => states.Aggregate((a, b) => a.Merge(b, Threshold));

    private static readonly Gen<(LessonProgress[] Ordered, LessonProgress[] Delivered)> GenDeliveries =
        from beats in GenBeat.Array[1, 12]
        let states = beats.Select(State).ToArray()
        from extra in Gen.Int[0, states.Length - 1].Array[0, 6]
        from delivered in Gen.Shuffle(states.Concat(extra.Select(i => states[i])).ToArray())
        select (states, delivered);

    [Fact]
    public void Any_order_and_any_duplication_of_beats_gives_one_result() =>
        GenDeliveries.Sample(d =>
        {
            var ordered = Fold(d.Ordered);
            var delivered = Fold(d.Delivered);
            Assert.True(ordered.SameProgressAs(delivered), $"ordered {Describe(ordered)} vs delivered {Describe(delivered)}");
        });

    [Fact]
    public void Merging_in_groups_as_two_nodes_and_a_store_would_gives_the_same_result() =>
        GenDeliveries.Select(Gen.Int[0, 20]).Sample((d, cut) =>
        {
            var split = Math.Min(cut, d.Delivered.Length - 1);
            var nodeA = Fold(d.Delivered.Take(split + 1));
            var nodeB = d.Delivered.Length > split + 1 ? Fold(d.Delivered.Skip(split + 1)) : nodeA;
            var stored = nodeA.Merge(nodeB, Threshold);
            // A retried flush merges the same state again.
            var retried = stored.Merge(nodeB, Threshold).Merge(nodeA, Threshold);
            Assert.True(Fold(d.Ordered).SameProgressAs(retried));
        });

    [Fact]
    public void Watched_seconds_are_the_union_of_the_clamped_intervals() =>
        GenBeat.Array[1, 12].Sample(beats =>
        {
            var merged = Fold(beats.Select(State));
            // Oracle: mark each whole second of the video watched by any interval (ends rounded, clamped).
            var seconds = new bool[(int)Duration];
            foreach (var interval in beats.SelectMany(b => b.Watched))
            {
                var start = (int)Math.Max(0, Math.Round(interval.Start, MidpointRounding.AwayFromZero));
                var end = (int)Math.Min(Duration, Math.Round(interval.End, MidpointRounding.AwayFromZero));
                for (var s = start; s < end; s++)
                {
                    seconds[s] = true;
                }
            }
            Assert.Equal(seconds.Count(x => x), merged.WatchedSeconds);
            Assert.All(merged.Watched.Items, i => Assert.InRange(i.Start, 0, Duration));
            Assert.All(merged.Watched.Items, i => Assert.InRange(i.End, i.Start, Duration));
        });

    [Fact]
    public void Completion_follows_coverage_of_the_threshold_and_never_goes_back() =>
        GenDeliveries.Sample(d =>
        {
            var merged = Fold(d.Delivered);
            Assert.Equal(merged.WatchedSeconds >= Threshold * Duration, merged.Completed);
            var prefix = d.Delivered[0];
            foreach (var state in d.Delivered.Skip(1))
            {
                var next = prefix.Merge(state, Threshold);
                Assert.False(prefix.Completed && !next.Completed, "completion went back");
                prefix = next;
            }
        });

    [Fact]
    public void Resume_position_is_the_latest_sequence_of_the_session_that_started_last() =>
        GenDeliveries.Sample(d =>
        {
            var merged = Fold(d.Delivered);
            // Oracle: a session starts at its earliest beat; the last started (ties: smaller id) wins; in it, the highest sequence (ties: the larger position).
            var session = d.Ordered.GroupBy(s => s.Sessions[0].Id)
                .Select(g => (Id: g.Key, Started: g.Min(s => s.Sessions[0].StartedAt), Beats: g.Select(s => s.Sessions[0])))
                .OrderByDescending(g => g.Started).ThenBy(g => g.Id, StringComparer.Ordinal).First();
            var expected = session.Beats.OrderByDescending(b => b.Sequence).ThenByDescending(b => b.Position).First().Position;
            Assert.Equal(expected, merged.Position);
        });

    [Fact]
    public void Interval_union_is_commutative_associative_and_idempotent() =>
        Gen.Select(GenInterval.Array[0, 6], GenInterval.Array[0, 6], GenInterval.Array[0, 6]).Sample((x, y, z) =>
        {
            var a = WatchedIntervals.From(x);
            var b = WatchedIntervals.From(y);
            var c = WatchedIntervals.From(z);
            Assert.Equal(a.Union(b), b.Union(a));
            Assert.Equal(a.Union(b).Union(c), a.Union(b.Union(c)));
            Assert.Equal(a, a.Union(a));
            Assert.Equal(WatchedIntervals.From(x.Concat(y)), a.Union(b));
            Assert.Equal(a, WatchedIntervals.FromFlat(a.ToFlat()));
        });

    private static readonly Gen<LessonProgress> GenAnyBeat =
        from b in GenBeat
        from session in Gen.Int[1, 20]
        from duration in Gen.OneOf(Gen.Const(60.0), Gen.Const(120.0), Gen.Const(120.5))
        from course in Gen.OneOf("course-1", "course-2")
        select LessonProgress.FromBeat(Learner, course, "lesson-1", new ProgressBeat($"s{session}", b.Sequence, b.Position, b.Watched, b.Event), duration,
            T0.AddSeconds(b.Second), Threshold);

    /// <summary>What a node merges: single beats, and states already merged from several (a push's answer, a load).</summary>
    private static readonly Gen<LessonProgress[]> GenMerged =
        from groups in GenAnyBeat.Array[1, 4].Array[1, 12]
        select groups.Select(g => Fold(g)).ToArray();

    // LessonProgress.Merge goes through MergedProgress too: what this holds is that one state carried through
    // many merges (a node's pair) loses nothing against fresh states merged one at a time (copies in and out).
    [Fact]
    public void A_state_merged_in_place_through_many_merges_equals_states_merged_one_at_a_time() =>
        GenMerged.Sample(states =>
        {
            var expected = states[0];
            var inPlace = new MergedProgress(states[0]);
            foreach (var state in states.Skip(1))
            {
                expected = expected.Merge(state, Threshold);
                inPlace.Merge(state, Threshold);
                var actual = inPlace.ToState();
                Assert.True(expected.SameProgressAs(actual), $"expected {Describe(expected)} vs in place {Describe(actual)}");
                Assert.Equal(expected.CompletedAt, actual.CompletedAt);
                Assert.Equal(ProgressSummary.Of(expected), inPlace.Summary);
                Assert.Equal(BufferedProgressJson.Serialize(expected), inPlace.Serialize());
            }
        });

    [Fact]
    public void A_state_taken_from_a_merge_in_place_stays_as_it_was_taken() =>
        GenMerged.Sample(states =>
        {
            var inPlace = new MergedProgress(states[0]);
            var taken = inPlace.ToState();
            var before = BufferedProgressJson.Serialize(taken);
            foreach (var state in states.Skip(1))
            {
                inPlace.Merge(state, Threshold);
            }
            Assert.Equal(before, BufferedProgressJson.Serialize(taken));
        });

    private static string Describe(LessonProgress p) =>
        $"watched {p.Watched} position {p.Position} completed {p.Completed} sessions {string.Join(";", p.Sessions)} first {p.FirstWatchedAt:O} last {p.LastWatchedAt:O}";
}
