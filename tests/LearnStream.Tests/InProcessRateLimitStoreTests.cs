using LearnStream.Api.Common;
using Microsoft.Extensions.Time.Testing;

namespace LearnStream.Tests;

public class InProcessRateLimitStoreTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Refuses_after_the_limit_and_says_to_retry_after_period_divided_by_limit()
    {
        var store = new InProcessRateLimitStore(_time);

        for (var i = 0; i < 3; i++)
        {
            Assert.True((await Acquire(store, "login:alice", 3)).Allowed, $"request {i + 1}");
        }
        var refused = await Acquire(store, "login:alice", 3);

        Assert.False(refused.Allowed);
        Assert.Equal(TimeSpan.FromSeconds(20), refused.RetryAfter);
    }

    [Fact]
    public async Task Keys_are_limited_independently()
    {
        var store = new InProcessRateLimitStore(_time);
        await Exhaust(store, "login:alice", 2);

        Assert.False((await Acquire(store, "login:alice", 2)).Allowed);
        Assert.True((await Acquire(store, "login:bob", 2)).Allowed);
        Assert.True((await Acquire(store, "login:bob", 2)).Allowed);
        Assert.False((await Acquire(store, "login:bob", 2)).Allowed);
    }

    [Fact]
    public async Task Keys_differing_only_in_case_are_separate()
    {
        var store = new InProcessRateLimitStore(_time);
        await Exhaust(store, "login:alice", 1);

        Assert.True((await Acquire(store, "login:ALICE", 1)).Allowed);
    }

    [Fact]
    public async Task Allows_one_more_request_once_period_divided_by_limit_has_passed()
    {
        var store = new InProcessRateLimitStore(_time);
        await Exhaust(store, "ip:10.0.0.1", 3);

        _time.Advance(TimeSpan.FromSeconds(20) - TimeSpan.FromMilliseconds(1));
        var early = await Acquire(store, "ip:10.0.0.1", 3);
        Assert.False(early.Allowed);
        Assert.Equal(TimeSpan.FromMilliseconds(1), early.RetryAfter);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True((await Acquire(store, "ip:10.0.0.1", 3)).Allowed);
        Assert.False((await Acquire(store, "ip:10.0.0.1", 3)).Allowed);
    }

    [Fact]
    public async Task A_full_period_of_quiet_restores_the_whole_burst()
    {
        var store = new InProcessRateLimitStore(_time);
        await Exhaust(store, "ip:10.0.0.1", 5);

        _time.Advance(Minute);

        await Exhaust(store, "ip:10.0.0.1", 5);
        Assert.False((await Acquire(store, "ip:10.0.0.1", 5)).Allowed);
    }

    [Fact]
    public async Task An_allowed_request_has_no_retry_delay()
    {
        var store = new InProcessRateLimitStore(_time);

        var decision = await Acquire(store, "fresh", 10);

        Assert.True(decision.Allowed);
        Assert.Equal(TimeSpan.Zero, decision.RetryAfter);
    }

    private static ValueTask<RateLimitDecision> Acquire(InProcessRateLimitStore store, string key, int limit) =>
        store.AcquireAsync(key, limit, Minute, TestContext.Current.CancellationToken);

    private static async Task Exhaust(InProcessRateLimitStore store, string key, int limit)
    {
        for (var i = 0; i < limit; i++)
        {
            Assert.True((await Acquire(store, key, limit)).Allowed, $"{key}: request {i + 1} of {limit}");
        }
    }
}
