using LearnStream.Api.Common;

namespace LearnStream.Api.Features.Progress;

public static class ProgressBufferExtensions
{
    /// <summary>
    /// The write-behind buffer: in Redis when one is configured, so every node merges into the same
    /// entries and an acknowledged beat outlives its node once pushed (within a push interval); in
    /// process otherwise. The flusher runs on every node either way.
    /// </summary>
    public static IHostApplicationBuilder AddProgressBuffer(this IHostApplicationBuilder builder)
    {
        if (builder.Configuration.HasRedis())
        {
            builder.Services.AddSingleton<IProgressBuffer, RedisProgressBuffer>();
            builder.Services.AddHostedService<RedisPersistenceCheck>();
        }
        else
        {
            builder.Services.AddSingleton<IProgressBuffer, InProcessProgressBuffer>();
        }
        builder.Services.AddSingleton<ProgressFlusher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ProgressFlusher>());
        return builder;
    }
}
