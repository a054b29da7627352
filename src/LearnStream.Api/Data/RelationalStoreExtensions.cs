using LearnStream.Api.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace LearnStream.Api.Data;

public static class RelationalStoreExtensions
{
    public static IHostApplicationBuilder AddRelationalStore(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var provider = configuration[$"{DatabaseOptions.Section}:Provider"] ?? DatabaseOptions.Sqlite;
        var connectionString = configuration.GetConnectionString("Database");
        if (string.IsNullOrWhiteSpace(connectionString) && provider == DatabaseOptions.Sqlite)
        {
            var data = DataDirectory.From(configuration, builder.Environment);
            Directory.CreateDirectory(data.Path);
            connectionString = $"Data Source={data.Combine("learnstream.db")}";
        }

        builder.Services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.Section)
            .PostConfigure(o => o.ConnectionString = connectionString)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>();

        if (provider == DatabaseOptions.Postgres)
        {
            builder.Services.AddDbContextPool<LearnStreamDbContext, PostgresDbContext>(options =>
                options.UseNpgsql(connectionString));
        }
        else
        {
            builder.Services.AddDbContextPool<LearnStreamDbContext, SqliteDbContext>(options =>
                options.UseSqlite(connectionString));
        }

        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [HealthEndpoints.ReadyTag]);
        return builder;
    }

    public static async Task InitializeRelationalStoreAsync(this IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LearnStreamDbContext>();
        if (options.Provider == DatabaseOptions.Sqlite)
        {
            // WAL lets readers proceed while one writer commits; the embedded default serves many readers.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }
        if (options.MigrateOnStart)
        {
            await db.Database.MigrateAsync();
        }
    }
}

public sealed class DatabaseHealthCheck(LearnStreamDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The relational database does not answer.");
}
