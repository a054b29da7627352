using LearnStream.Api.Features.Auth;
using Microsoft.Extensions.Options;

namespace LearnStream.Tests;

public class PasswordHashingGateTests
{
    private static PasswordHashingGate Gate(int iterations, int maxConcurrent = 1, int queueLimit = 0) =>
        // The gate does not apply the options' data annotations, so tests may go below 210,000.
        new(Options.Create(new PasswordOptions
        {
            Iterations = iterations,
            MaxConcurrentHashes = maxConcurrent,
            QueueLimit = queueLimit,
        }));

    [Fact]
    public async Task VerifyAsync_without_a_stored_hash_fails_after_checking_a_decoy()
    {
        using var gate = Gate(1_000);

        var result = await gate.VerifyAsync(null, "any password at all", TestContext.Current.CancellationToken);

        Assert.Equal(PasswordVerification.Failed, result);
    }

    [Fact]
    public async Task HashAsync_produces_a_hash_its_own_hasher_verifies()
    {
        using var gate = Gate(1_000);
        var cancellationToken = TestContext.Current.CancellationToken;

        var stored = await gate.HashAsync("s3cret passphrase", cancellationToken);

        Assert.NotNull(stored);
        Assert.StartsWith("$pbkdf2-sha512$i=1000$", stored, StringComparison.Ordinal);
        Assert.Equal(PasswordVerification.Succeeded, await gate.VerifyAsync(stored, "s3cret passphrase", cancellationToken));
        Assert.Equal(PasswordVerification.Failed, await gate.VerifyAsync(stored, "s3cret passphrasE", cancellationToken));
    }

    [Fact]
    public async Task VerifyAsync_reports_rehash_for_a_hash_made_with_fewer_iterations()
    {
        using var gate = Gate(2_000);
        var stored = new PasswordHasher(1_000).Hash("s3cret passphrase");

        var result = await gate.VerifyAsync(stored, "s3cret passphrase", TestContext.Current.CancellationToken);

        Assert.Equal(PasswordVerification.SucceededNeedsRehash, result);
    }

    [Fact]
    public async Task Callers_are_answered_busy_while_the_only_permit_is_in_use_and_no_queue_is_allowed()
    {
        // At the production cost each hash takes a noticeable time, so callers released together
        // overlap: exactly one gets the permit and the others get null (busy) rather than waiting.
        using var gate = Gate(PasswordHasher.MinimumIterations);
        const int callers = 4;
        var served = new bool[callers];
        using var start = new Barrier(callers);
        var threads = Enumerable.Range(0, callers).Select(i => new Thread(() =>
        {
            start.SignalAndWait();
            served[i] = i % 2 == 0
                ? gate.HashAsync("s3cret passphrase", CancellationToken.None).GetAwaiter().GetResult() is not null
                : gate.VerifyAsync(null, "s3cret passphrase", CancellationToken.None).GetAwaiter().GetResult() is not null;
        })).ToList();

        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Equal(1, served.Count(s => s));

        // Once that call is done the permit is back.
        Assert.NotNull(await gate.HashAsync("s3cret passphrase", TestContext.Current.CancellationToken));
    }
}
