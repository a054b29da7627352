using StackExchange.Redis;

namespace LearnStream.Api.Features.Progress;

/// <summary>
/// Says once at start when Redis keeps no append-only file. The progress buffer holds the beats the flush
/// has not stored yet; without the file a crash of Redis loses all of them, which under a load the flush
/// cannot keep up with is more than one flush interval (README, "What a crash can lose"). With
/// <c>appendonly yes</c> and <c>appendfsync everysec</c> it loses at most Redis's last second.
/// </summary>
public sealed class RedisPersistenceCheck(IConnectionMultiplexer redis, IHostEnvironment environment, ILogger<RedisPersistenceCheck> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string info;
        try
        {
            // Through a script: StackExchange.Redis counts INFO as an admin command and refuses it on a connection
            // without AllowAdmin, which the app's one connection should not have.
            info = (string)(await redis.GetDatabase().ScriptEvaluateAsync("return redis.call('INFO', 'persistence')"))!;
        }
        catch (Exception e) when (e is RedisException or RedisTimeoutException)
        {
            // Redis away at start (readiness reports it), or INFO not allowed to this user: nothing to tell.
            return;
        }
        if (AppendOnly(info) is false)
        {
            // A development or test Redis often runs without it; in Production it is a choice to see.
            logger.Log(environment.IsProduction() ? LogLevel.Warning : LogLevel.Information,
                "Redis keeps no append-only file: a crash of Redis loses the progress beats not yet stored, however far the flush is behind. Run it with appendonly yes and appendfsync everysec");
        }
    }

    /// <summary>Whether the text of <c>INFO persistence</c> says the append-only file is on; null when it does not say.</summary>
    public static bool? AppendOnly(string info)
    {
        foreach (var line in info.Split('\n', StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith("aof_enabled:", StringComparison.Ordinal))
            {
                return line["aof_enabled:".Length..] == "1";
            }
        }
        return null;
    }
}
