using System.Net;
using System.Security.Cryptography;

namespace LearnStream.Api.Features.Video.Mux;

/// <summary>
/// Retries calls to Mux that failed for reasons that pass: 429, 5xx and failures to connect. It waits as long
/// as Retry-After says, or backs off exponentially with jitter, and gives up after <see cref="MaxAttempts"/>.
/// The whole sequence runs under the HttpClient's timeout, so retries cannot stretch a call past its budget.
/// </summary>
/// <param name="time">Reads the clock for Retry-After dates and, by default, times the waits.</param>
/// <param name="delay">Waits between attempts; tests pass one that records the wait and returns at once.</param>
public sealed class MuxRetryHandler(TimeProvider time, Func<TimeSpan, CancellationToken, Task>? delay = null) : DelegatingHandler
{
    private readonly Func<TimeSpan, CancellationToken, Task> _delay = delay ?? ((wait, ct) => Task.Delay(wait, time, ct));

    public int MaxAttempts { get; init; } = 4;

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>No single wait is longer. When Retry-After asks for more, we give up rather than retry early.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            HttpResponseMessage response;
            try
            {
                response = await base.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException e) when (attempt < MaxAttempts && IsTransient(e, request.Method))
            {
                await _delay(Backoff(attempt), cancellationToken);
                continue;
            }

            if (attempt >= MaxAttempts || !IsRetryable(response.StatusCode, request.Method))
            {
                return response;
            }
            var wait = RetryAfter(response, time) ?? Backoff(attempt);
            if (wait > MaxDelay)
            {
                return response;
            }
            response.Dispose();
            await _delay(wait, cancellationToken);
        }
    }

    /// <summary>Retry-After as a wait from now: delta-seconds, or an HTTP date (a date in the past means now).</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }
        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        return null;
    }

    private static bool IsRetryable(HttpStatusCode status, HttpMethod method) => status switch
    {
        // Refused before any work was done, so even a POST can be sent again.
        HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable => true,
        // A 500, 502 or 504 may come after Mux created the upload or asset; sending a POST again could
        // create a second one, so only requests that are safe to repeat are retried.
        >= HttpStatusCode.InternalServerError => IsIdempotent(method),
        _ => false,
    };

    private static bool IsTransient(HttpRequestException e, HttpMethod method) => e.HttpRequestError switch
    {
        // The request never reached Mux.
        HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError => true,
        // The connection broke somewhere mid-exchange: Mux may have acted on it.
        _ => IsIdempotent(method),
    };

    private static bool IsIdempotent(HttpMethod method) =>
        method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Put
        || method == HttpMethod.Delete || method == HttpMethod.Options;

    /// <summary>Half of the exponential step plus a random part of the other half, so that clients spread out.</summary>
    private TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(MaxDelay.Ticks, BaseDelay.Ticks << Math.Min(attempt - 1, 20));
        var half = ceiling / 2;
        var jitter = half > 0 ? (long)(RandomNumberGenerator.GetInt32(1_000_001) / 1_000_000.0 * half) : 0;
        return TimeSpan.FromTicks(half + jitter);
    }
}
