using LearnStream.Api.Common;

namespace LearnStream.Tests;

public class GcraTests
{
    [Fact]
    public void Allows_a_burst_of_limit_then_refuses_with_the_wait_until_the_next_slot()
    {
        long? tat = null;
        const long now = 1_000_000;
        for (var i = 0; i < 10; i++)
        {
            var allowed = Gcra.Evaluate(now, tat, limit: 10, periodMs: 60_000);
            Assert.True(allowed.Allowed, $"request {i + 1} of the burst");
            tat = allowed.NewTheoreticalArrival;
        }

        var refused = Gcra.Evaluate(now, tat, limit: 10, periodMs: 60_000);
        Assert.False(refused.Allowed);
        Assert.Equal(6_000, refused.RetryAfterMs);
        Assert.Equal(tat, refused.NewTheoreticalArrival);

        Assert.True(Gcra.Evaluate(now + 6_000, tat, limit: 10, periodMs: 60_000).Allowed);
    }

    [Fact]
    public void Refusal_retry_shrinks_by_exactly_the_time_that_has_passed()
    {
        var tat = Exhaust(now: 0, limit: 10, periodMs: 60_000);

        Assert.Equal(6_000, Gcra.Evaluate(0, tat, 10, 60_000).RetryAfterMs);
        Assert.Equal(4_500, Gcra.Evaluate(1_500, tat, 10, 60_000).RetryAfterMs);
        Assert.Equal(1, Gcra.Evaluate(5_999, tat, 10, 60_000).RetryAfterMs);
        Assert.False(Gcra.Evaluate(5_999, tat, 10, 60_000).Allowed);
    }

    [Fact]
    public void One_interval_after_exhaustion_allows_exactly_one_more_request()
    {
        var tat = Exhaust(now: 0, limit: 10, periodMs: 60_000);

        var next = Gcra.Evaluate(6_000, tat, 10, 60_000);
        Assert.True(next.Allowed);
        Assert.Equal(0, next.RetryAfterMs);

        var after = Gcra.Evaluate(6_000, next.NewTheoreticalArrival, 10, 60_000);
        Assert.False(after.Allowed);
        Assert.Equal(6_000, after.RetryAfterMs);
    }

    [Fact]
    public void A_whole_period_after_exhaustion_restores_the_full_burst()
    {
        var tat = Exhaust(now: 0, limit: 10, periodMs: 60_000);

        var again = Exhaust(now: 60_000, limit: 10, periodMs: 60_000, storedArrival: tat);

        Assert.Equal(60_000 + 10 * 6_000, again);
        Assert.False(Gcra.Evaluate(60_000, again, 10, 60_000).Allowed);
    }

    [Fact]
    public void A_stored_arrival_in_the_past_counts_as_now()
    {
        const long now = 500_000;

        var fresh = Gcra.Evaluate(now, null, 10, 60_000);
        var stale = Gcra.Evaluate(now, now - 3_600_000, 10, 60_000);

        Assert.True(stale.Allowed);
        Assert.Equal(now + 6_000, fresh.NewTheoreticalArrival);
        Assert.Equal(fresh.NewTheoreticalArrival, stale.NewTheoreticalArrival);
    }

    [Fact]
    public void A_refusal_does_not_push_the_stored_arrival_further_out()
    {
        var tat = Exhaust(now: 0, limit: 3, periodMs: 3_000);

        for (var i = 0; i < 5; i++)
        {
            var refused = Gcra.Evaluate(0, tat, 3, 3_000);
            Assert.False(refused.Allowed);
            Assert.Equal(tat, refused.NewTheoreticalArrival);
        }
        Assert.True(Gcra.Evaluate(1_000, tat, 3, 3_000).Allowed);
    }

    [Fact]
    public void Limit_of_one_allows_one_request_per_period()
    {
        var first = Gcra.Evaluate(10_000, null, limit: 1, periodMs: 60_000);
        Assert.True(first.Allowed);
        Assert.Equal(70_000, first.NewTheoreticalArrival);

        var second = Gcra.Evaluate(10_000, first.NewTheoreticalArrival, 1, 60_000);
        Assert.False(second.Allowed);
        Assert.Equal(60_000, second.RetryAfterMs);

        Assert.False(Gcra.Evaluate(69_999, first.NewTheoreticalArrival, 1, 60_000).Allowed);
        Assert.True(Gcra.Evaluate(70_000, first.NewTheoreticalArrival, 1, 60_000).Allowed);
    }

    [Fact]
    public void An_interval_shorter_than_a_millisecond_is_rounded_up_to_one()
    {
        var outcome = Gcra.Evaluate(0, null, limit: 1_000, periodMs: 10);

        Assert.True(outcome.Allowed);
        Assert.Equal(1, outcome.NewTheoreticalArrival);
    }

    private static long Exhaust(long now, int limit, long periodMs, long? storedArrival = null)
    {
        var tat = storedArrival;
        for (var i = 0; i < limit; i++)
        {
            var outcome = Gcra.Evaluate(now, tat, limit, periodMs);
            Assert.True(outcome.Allowed, $"request {i + 1} of {limit}");
            tat = outcome.NewTheoreticalArrival;
        }
        return tat!.Value;
    }
}
