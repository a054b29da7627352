using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace LearnStream.Api.Features.Auth;

/// <summary>
/// Runs password hashing under a concurrency cap with a bounded queue. Each hash costs a core for a
/// while; without the cap, a flood of logins would take every core from every other request.
/// </summary>
public sealed class PasswordHashingGate : IDisposable
{
    private readonly ConcurrencyLimiter _limiter;

    public PasswordHashingGate(IOptions<PasswordOptions> options)
    {
        var o = options.Value;
        Hasher = new PasswordHasher(o.Iterations);
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = o.MaxConcurrentHashes,
            QueueLimit = o.QueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        // Verified when the email is unknown, so that case costs what a wrong password costs.
        DecoyHash = Hasher.Hash(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)));
    }

    public PasswordHasher Hasher { get; }

    private string DecoyHash { get; }

    /// <summary>Hashes a new password; null when the server is too busy to queue it.</summary>
    public async Task<string?> HashAsync(string password, CancellationToken cancellationToken)
    {
        using var lease = await _limiter.AcquireAsync(1, cancellationToken);
        return lease.IsAcquired ? Hasher.Hash(password) : null;
    }

    /// <summary>Verifies against the stored hash, or a decoy when there is none; null when too busy.</summary>
    public async Task<PasswordVerification?> VerifyAsync(string? storedHash, string password, CancellationToken cancellationToken)
    {
        using var lease = await _limiter.AcquireAsync(1, cancellationToken);
        if (!lease.IsAcquired)
        {
            return null;
        }
        var result = Hasher.Verify(storedHash ?? DecoyHash, password);
        return storedHash is null ? PasswordVerification.Failed : result;
    }

    public void Dispose() => _limiter.Dispose();
}
