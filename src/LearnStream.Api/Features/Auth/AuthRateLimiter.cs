using System.Security.Cryptography;
using System.Text;
using LearnStream.Api.Common;
using Microsoft.Extensions.Options;

namespace LearnStream.Api.Features.Auth;

/// <summary>
/// Throttles register, login and refresh per client address, and login attempts per account.
/// A throttle, not a lockout: the account frees one attempt every minute / limit, so nobody can
/// lock someone else out for longer than that by failing on purpose.
/// </summary>
public sealed class AuthRateLimiter(IRateLimitStore store, IOptions<AuthRateLimitOptions> options)
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    public ValueTask<RateLimitDecision> ForAddressAsync(HttpContext context) =>
        store.AcquireAsync("auth:addr:" + ClientAddress.Of(context), options.Value.PerAddressPerMinute, Minute, context.RequestAborted);

    /// <summary>The key is a hash of the normalized email, so no address appears in the shared store.</summary>
    public ValueTask<RateLimitDecision> ForAccountAsync(string normalizedEmail, CancellationToken cancellationToken) =>
        store.AcquireAsync(
            "auth:acct:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedEmail))),
            options.Value.PerAccountPerMinute,
            Minute,
            cancellationToken);
}

public sealed class AuthAddressRateLimitFilter(AuthRateLimiter limiter) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var decision = await limiter.ForAddressAsync(context.HttpContext);
        return decision.Allowed
            ? await next(context)
            : RateLimitResults.TooManyRequests(context.HttpContext, decision.RetryAfter, "Too many authentication requests from this address.");
    }
}
