using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace LearnStream.Api.Common;

/// <summary>Redis is optional: without <c>ConnectionStrings:Redis</c> every feature keeps its state in process.</summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>Prefix for every key and channel, so several deployments can share one server.</summary>
    public string InstanceName { get; set; } = "learnstream:";
}

public static class RedisExtensions
{
    public static IHostApplicationBuilder AddRedis(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.Section);
        var connectionString = builder.Configuration.GetConnectionString("Redis");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return builder;
        }

        var options = ConfigurationOptions.Parse(connectionString);
        // Start and keep serving while Redis is away; readiness reports it.
        options.AbortOnConnectFail = false;
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: [HealthEndpoints.ReadyTag]);
        return builder;
    }

    public static bool HasRedis(this IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration.GetConnectionString("Redis"));
}

public sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await redis.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy();
        }
        catch (RedisException)
        {
            return HealthCheckResult.Unhealthy("Redis does not answer.");
        }
    }
}
