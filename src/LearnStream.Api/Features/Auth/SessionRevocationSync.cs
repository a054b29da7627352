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
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<IConnectionMultiplexer>() is { } redis)
        {
            var subscriber = redis.GetSubscriber();
            await subscriber.SubscribeAsync(SessionRevocations.Channel(services), (_, message) =>
            {
                if (SessionRevocations.TryDecode(message, out var until, out var ids))
                {
                    ids.ForEach(id => revocations.Remember(id, until));
                }
            });
            // Messages published while this node was disconnected are lost; the database has them.
            redis.ConnectionRestored += (_, _) => _ = ReloadAsync(CancellationToken.None);
        }
        await ReloadAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            revocations.Purge();
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
