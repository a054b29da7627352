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
}
