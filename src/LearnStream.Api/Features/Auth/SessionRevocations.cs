using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using LearnStream.Api.Common;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LearnStream.Api.Features.Auth;

/// <summary>
/// The sessions ended while their access tokens may still be alive. Checked on every authenticated
/// request as a dictionary lookup in memory: no database or network round trip. The database is the
/// record of truth (<see cref="AuthSession.RevokedAt"/>); Redis pub/sub carries each revocation to
/// every node within milliseconds, and a node reloads from the database when it starts or reconnects.
/// </summary>
public sealed class SessionRevocations(TimeProvider time, IOptions<JwtOptions> jwt, IServiceProvider services)
{
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _revoked = new();

    /// <summary>How long a revocation must be remembered: until every token of the session has expired.</summary>
    public TimeSpan Window => jwt.Value.AccessTokenLifetime + JwtOptions.ClockSkew;

    public int Count => _revoked.Count;

    public bool IsRevoked(Guid sessionId) => _revoked.ContainsKey(sessionId);

    /// <summary>
    /// The session an access token's claims belong to, or null when its <c>sid</c> or <c>sub</c> is not an
    /// id: such a token names no session that could be checked, and is refused.
    /// </summary>
    public static Guid? SessionOf(ClaimsPrincipal? principal) =>
        Guid.TryParse(principal?.FindFirst("sid")?.Value, out var session) && Guid.TryParse(principal.FindFirst("sub")?.Value, out _)
            ? session
            : null;

    public void Remember(Guid sessionId, DateTimeOffset until) => _revoked[sessionId] = until;

    /// <summary>Call after the revocation is committed to the database.</summary>
    public async Task PublishAsync(IReadOnlyCollection<Guid> sessionIds)
    {
        var until = time.GetUtcNow() + Window;
        foreach (var id in sessionIds)
        {
            Remember(id, until);
        }
        if (services.GetService<IConnectionMultiplexer>() is { } redis && sessionIds.Count > 0)
        {
            try
            {
                await redis.GetSubscriber().PublishAsync(Channel(services), Encode(sessionIds, until));
            }
            catch (RedisException)
            {
                // Other nodes reload from the database when their connection comes back.
            }
        }
    }

    public void Purge()
    {
        var now = time.GetUtcNow();
        foreach (var (id, until) in _revoked)
        {
            if (until < now)
            {
                _revoked.TryRemove(id, out _);
            }
        }
    }

    internal static RedisChannel Channel(IServiceProvider services) =>
        RedisChannel.Literal(services.GetRequiredService<IOptions<RedisOptions>>().Value.InstanceName + "session-revocations");

    internal static string Encode(IEnumerable<Guid> ids, DateTimeOffset until) =>
        until.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) + ":" + string.Join(',', ids);

    internal static bool TryDecode(string? message, out DateTimeOffset until, out List<Guid> ids)
    {
        until = default;
        ids = [];
        if (message?.Split(':', 2) is not [var ms, var list] || !long.TryParse(ms, CultureInfo.InvariantCulture, out var unixMs))
        {
            return false;
        }
        until = DateTimeOffset.FromUnixTimeMilliseconds(unixMs);
        foreach (var part in list.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (Guid.TryParse(part, out var id))
            {
                ids.Add(id);
            }
        }
        return true;
    }
}
