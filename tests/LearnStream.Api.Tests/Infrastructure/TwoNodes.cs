using System.Diagnostics;

namespace LearnStream.Api.Tests.Infrastructure;

public static class TwoNodes
{
    /// <summary>
    /// How long a test waits for the other node to act on a change it hears of through Redis. The message
    /// takes milliseconds; the bound is generous because a test is no timing target (CI runs two test
    /// hosts on two cores), yet far under everything the message stands in for: the catalog cache's 5
    /// minutes, the access cache's 10 and an access token's 10. So only the message explains a pass.
    /// </summary>
    public static readonly TimeSpan Propagation = TimeSpan.FromSeconds(10);

    /// <summary>Polls <paramref name="seen"/> until it holds; fails with "<paramref name="still"/> after N ms" once <see cref="Propagation"/> has passed.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> seen, string still)
    {
        var clock = Stopwatch.StartNew();
        while (!await seen())
        {
            Assert.True(clock.Elapsed < Propagation, $"{still} after {clock.ElapsedMilliseconds} ms");
            await Task.Delay(25);
        }
    }
}
