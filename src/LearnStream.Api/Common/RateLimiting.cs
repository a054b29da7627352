using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LearnStream.Api.Common;

public readonly record struct RateLimitDecision(bool Allowed, TimeSpan RetryAfter);

/// <summary>
/// The generic cell rate algorithm: one stored "theoretical arrival time" per key allows a burst of
/// <c>limit</c> requests and then one every <c>period / limit</c>, and says exactly when to retry.
/// </summary>
public static class Gcra
{
    public readonly record struct Outcome(bool Allowed, long NewTheoreticalArrival, long RetryAfterMs);

    public static Outcome Evaluate(long nowMs, long? storedTheoreticalArrival, int limit, long periodMs)
    {
        var interval = Math.Max(1, periodMs / limit);
        var tat = Math.Max(storedTheoreticalArrival ?? nowMs, nowMs);
        var newTat = tat + interval;
        var allowAt = newTat - interval * limit;
        return nowMs < allowAt
            ? new Outcome(false, tat, allowAt - nowMs)
            : new Outcome(true, newTat, 0);
    }
}

/// <summary>Rate-limit counters: in process, or in Redis so every node shares them.</summary>
public interface IRateLimitStore
{
    ValueTask<RateLimitDecision> AcquireAsync(string key, int limit, TimeSpan period, CancellationToken cancellationToken);
}

public sealed class InProcessRateLimitStore(TimeProvider time) : IRateLimitStore
{
    private readonly Dictionary<string, long> _arrivals = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public ValueTask<RateLimitDecision> AcquireAsync(string key, int limit, TimeSpan period, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_gate)
        {
            if (_arrivals.Count > 100_000)
            {
                // Keys whose arrival time has passed hold no state worth keeping.
                foreach (var stale in _arrivals.Where(p => p.Value <= now).Select(p => p.Key).ToList())
                {
                    _arrivals.Remove(stale);
                }
            }
            var outcome = Gcra.Evaluate(now, _arrivals.TryGetValue(key, out var tat) ? tat : null, limit, (long)period.TotalMilliseconds);
            _arrivals[key] = outcome.NewTheoreticalArrival;
            return ValueTask.FromResult(new RateLimitDecision(outcome.Allowed, TimeSpan.FromMilliseconds(outcome.RetryAfterMs)));
        }
    }
}

/// <summary>The same algorithm as one Lua script, timed by the Redis server's clock so nodes agree.</summary>
public sealed class RedisRateLimitStore(IConnectionMultiplexer redis, IOptions<RedisOptions> options, ILogger<RedisRateLimitStore> logger) : IRateLimitStore
{
    private const string Script = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local interval = tonumber(ARGV[1])
        local limit = tonumber(ARGV[2])
        local tat = tonumber(redis.call('GET', KEYS[1]) or now)
        if tat < now then tat = now end
        local newTat = tat + interval
        local allowAt = newTat - interval * limit
        if now < allowAt then return {0, allowAt - now} end
        redis.call('SET', KEYS[1], newTat, 'PX', newTat - now)
        return {1, 0}
        """;

    private readonly string _prefix = options.Value.InstanceName + "rl:";

    public async ValueTask<RateLimitDecision> AcquireAsync(string key, int limit, TimeSpan period, CancellationToken cancellationToken)
    {
        var interval = Math.Max(1, (long)period.TotalMilliseconds / limit);
        try
        {
            var result = (RedisResult[]?)await redis.GetDatabase().ScriptEvaluateAsync(
                Script, [new RedisKey(_prefix + key)], [interval, limit]);
            return result is [var allowed, var retry]
                ? new RateLimitDecision((long)allowed == 1, TimeSpan.FromMilliseconds((long)retry))
                : new RateLimitDecision(true, TimeSpan.Zero);
        }
        catch (RedisException e)
        {
            // Fail open: an unreachable Redis must not stop every login. Readiness reports the outage.
            logger.LogWarning(e, "Rate limit store unavailable; allowing the request");
            return new RateLimitDecision(true, TimeSpan.Zero);
        }
    }
}

public static class RateLimitResults
{
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult TooManyRequests(HttpContext context, TimeSpan retryAfter, string detail)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests", detail: detail);
    }
}
