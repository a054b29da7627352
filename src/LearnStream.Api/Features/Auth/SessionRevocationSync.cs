using LearnStream.Api.Data;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;

namespace LearnStream.Api.Features.Auth;

/// <summary>Keeps this node's <see cref="SessionRevocations"/> in step with the database and the other nodes.</summary>
public sealed class SessionRevocationSync(
    SessionRevocations revocations,
    IServiceProvider services,
    TimeProvider time,
    ILogger<SessionRevocationSync> logger) : BackgroundService
{
    private int _subscribed;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<IConnectionMultiplexer>() is { } redis)
        {
            // Messages published while this node was disconnected are lost; the database has them.
            redis.ConnectionRestored += (_, _) => _ = CatchUpAsync(redis);
            await SubscribeAsync(redis);
        }
        await ReloadAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    private async Task CatchUpAsync(IConnectionMultiplexer redis)
    {
        await SubscribeAsync(redis);
        await ReloadAsync(CancellationToken.None);
    }

    // A node starts and serves while Redis is down; it subscribes once Redis comes back.
    private async Task SubscribeAsync(IConnectionMultiplexer redis)
    {
        if (Volatile.Read(ref _subscribed) == 1)
        {
            return;
        }
        try
        {
            await redis.GetSubscriber().SubscribeAsync(SessionRevocations.Channel(services), (_, message) =>
            {
                if (SessionRevocations.TryDecode(message, out var until, out var ids))
                {
                    ids.ForEach(id => revocations.Remember(id, until));
                }
            });
            Interlocked.Exchange(ref _subscribed, 1);
        }
        catch (RedisException e)
        {
            logger.LogWarning(e, "Redis is unavailable; session revocations from other nodes arrive once it is back");
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), time);
        var lastCleanup = time.GetUtcNow();
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            revocations.Purge();
            if (time.GetUtcNow() - lastCleanup >= TimeSpan.FromHours(1))
            {
                lastCleanup = time.GetUtcNow();
                await DeleteExpiredAsync(stoppingToken);
            }
        }
    }

    // Expired sessions can never be refreshed again; their rows (and tokens, by cascade) only take space.
    // Deletes are idempotent, so every node may run this.
    private async Task DeleteExpiredAsync(CancellationToken cancellationToken)
    {
        try
        {
            var cutoff = time.GetUtcNow() - TimeSpan.FromDays(1);
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<LearnStreamDbContext>();
            await db.RefreshTokens.Where(t => t.ExpiresAt < cutoff).ExecuteDeleteAsync(cancellationToken);
            await db.Sessions.Where(s => s.ExpiresAt < cutoff).ExecuteDeleteAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not delete expired sessions");
        }
    }

    private async Task ReloadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var since = time.GetUtcNow() - revocations.Window;
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<LearnStreamDbContext>();
            var recent = await db.Sessions.AsNoTracking()
                .Where(s => s.RevokedAt != null && s.RevokedAt > since)
                .Select(s => new { s.Id, RevokedAt = s.RevokedAt!.Value })
                .ToListAsync(cancellationToken);
            foreach (var session in recent)
            {
                revocations.Remember(session.Id, session.RevokedAt + revocations.Window);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not reload revoked sessions from the database");
        }
    }
}
