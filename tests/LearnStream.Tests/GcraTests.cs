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
}
