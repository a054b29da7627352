using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace LearnStream.Api.Features.Auth;

public sealed class JwtOptions
{
    public const string Section = "Jwt";

    [Required]
    public string Issuer { get; set; } = "learnstream";

    [Required]
    public string Audience { get; set; } = "learnstream";

    /// <summary>Access tokens are stateless, so they stay short: at most 15 minutes.</summary>
    [Range(1, 15)]
    public int AccessTokenMinutes { get; set; } = 10;

    /// <summary>
    /// ES256 (P-256) keys. All verify; the active one (or the first) signs. To rotate: add the new key,
    /// deploy, make it active, and drop the old one once its tokens have expired.
    /// </summary>
    public List<SigningKeyOptions> SigningKeys { get; set; } = [];

    public string? ActiveKeyId { get; set; }

    /// <summary>
    /// How many verified access tokens to remember so their signature is checked once, not on every
    /// request (about 1 kB each); 0 verifies every time. See <see cref="VerifiedTokenCache"/>.
    /// </summary>
    [Range(0, 1_000_000)]
    public int VerifiedTokenCacheSize { get; set; } = 10_000;

    public TimeSpan AccessTokenLifetime => TimeSpan.FromMinutes(AccessTokenMinutes);

    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);
}

public sealed class SigningKeyOptions
{
    public string Id { get; set; } = "";

    /// <summary>PKCS#8 or SEC1 PEM of a P-256 private key, or that PEM in base64 (for environment variables).</summary>
    public string PrivateKey { get; set; } = "";
}

public sealed class SessionOptions
{
    public const string Section = "Auth:Sessions";

    /// <summary>A session whose refresh token goes unused this long ends.</summary>
    [Range(1, 90)]
    public int IdleDays { get; set; } = 14;

    /// <summary>No session outlives this, however often it is refreshed.</summary>
    [Range(1, 365)]
    public int LifetimeDays { get; set; } = 30;
}

public sealed class PasswordOptions
{
    public const string Section = "Auth:Passwords";

    /// <summary>PBKDF2-SHA512 iterations; OWASP's floor is 210,000. Raising it re-hashes at next login.</summary>
    [Range(PasswordHasher.MinimumIterations, 10_000_000)]
    public int Iterations { get; set; } = PasswordHasher.MinimumIterations;

    /// <summary>Hashes computed at once; the rest queue, so a flood of logins leaves cores for other requests.</summary>
    [Range(1, 256)]
    public int MaxConcurrentHashes { get; set; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>Hash requests allowed to wait; beyond that the server answers 503 with Retry-After.</summary>
    [Range(0, 100_000)]
    public int QueueLimit { get; set; } = 200;
}

public sealed class AuthRateLimitOptions
{
    public const string Section = "RateLimits:Auth";

    [Range(1, 10_000_000)]
    public int PerAddressPerMinute { get; set; } = 60;

    [Range(1, 10_000_000)]
    public int PerAccountPerMinute { get; set; } = 10;
}

public sealed class JwtOptionsValidator(IHostEnvironment environment) : IValidateOptions<JwtOptions>
{
    public ValidateOptionsResult Validate(string? name, JwtOptions options)
    {
        if (options.SigningKeys.Count == 0)
        {
            return environment.IsProduction()
                ? ValidateOptionsResult.Fail("Jwt:SigningKeys is required in Production (Jwt:SigningKeys:0:Id and Jwt:SigningKeys:0:PrivateKey, an ES256 key).")
                : ValidateOptionsResult.Success;
        }
        for (var i = 0; i < options.SigningKeys.Count; i++)
        {
            var key = options.SigningKeys[i];
            if (string.IsNullOrWhiteSpace(key.Id))
            {
                return ValidateOptionsResult.Fail($"Jwt:SigningKeys:{i}:Id is required.");
            }
            if (!SigningKeyRing.TryLoad(key.PrivateKey, out _))
            {
                return ValidateOptionsResult.Fail($"Jwt:SigningKeys:{i}:PrivateKey is not a P-256 private key in PEM (or base64 of PEM).");
            }
        }
        if (options.ActiveKeyId is { } active && options.SigningKeys.All(k => k.Id != active))
        {
            return ValidateOptionsResult.Fail("Jwt:ActiveKeyId names no key of Jwt:SigningKeys.");
        }
        return ValidateOptionsResult.Success;
    }
}
