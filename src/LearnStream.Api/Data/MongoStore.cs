using LearnStream.Api.Common;
using LearnStream.Api.Features.Catalog;
using LearnStream.Api.Features.Progress;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using MongoDB.Bson;
using MongoDB.Driver;

namespace LearnStream.Api.Data;

/// <summary>The MongoDB course store, used when <c>Content:Store</c> is <c>mongo</c>.</summary>
public sealed class MongoOptions
{
    public const string Section = "Mongo";

    public string DatabaseName { get; set; } = "learnstream";

    /// <summary>
    /// primary, primaryPreferred, secondary, secondaryPreferred or nearest. The default,
    /// primaryPreferred, reads from the primary while there is one, so an instructor sees their own
    /// edit and its new version at once; during an election, catalog reads go on from a secondary
    /// (a moment-old catalog beats an error). Replace and delete read their outcome from the primary whatever this says.
    /// </summary>
    public string ReadPreference { get; set; } = "primaryPreferred";

    /// <summary>
    /// majority (default) or w1. With majority an acknowledged course edit survives the loss of the
    /// primary; with w1 a failover can roll it back after the instructor was told it was saved.
    /// </summary>
    public string WriteConcern { get; set; } = "majority";

    /// <summary>Bound from <c>ConnectionStrings:Mongo</c>.</summary>
    public string? ConnectionString { get; set; }

    internal ReadPreference ToReadPreference() =>
        new(Enum.Parse<ReadPreferenceMode>(ReadPreference, ignoreCase: true));

    internal WriteConcern ToWriteConcern() =>
        string.Equals(WriteConcern, "w1", StringComparison.OrdinalIgnoreCase) ? MongoDB.Driver.WriteConcern.W1 : MongoDB.Driver.WriteConcern.WMajority;
}

public sealed class MongoOptionsValidator : IValidateOptions<MongoOptions>
{
    public ValidateOptionsResult Validate(string? name, MongoOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add("ConnectionStrings:Mongo is required when Content:Store is 'mongo'.");
        }
        else if (!IsConnectionString(options.ConnectionString))
        {
            // The value is not echoed: it may hold a password.
            failures.Add("ConnectionStrings:Mongo is not a MongoDB connection string (mongodb:// or mongodb+srv://).");
        }
        if (string.IsNullOrWhiteSpace(options.DatabaseName))
        {
            failures.Add("Mongo:DatabaseName must not be empty.");
        }
        if (!Enum.GetNames<ReadPreferenceMode>().Contains(options.ReadPreference, StringComparer.OrdinalIgnoreCase))
        {
            failures.Add("Mongo:ReadPreference must be primary, primaryPreferred, secondary, secondaryPreferred or nearest.");
        }
        if (!string.Equals(options.WriteConcern, "majority", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(options.WriteConcern, "w1", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add("Mongo:WriteConcern must be 'majority' or 'w1'.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsConnectionString(string value)
    {
        try
        {
            _ = new MongoUrl(value);
            return true;
        }
        catch (MongoConfigurationException)
        {
            return false;
        }
    }
}

public static class MongoStoreExtensions
{
    /// <summary>
    /// Registers one <see cref="IMongoClient"/>, the database with the configured read preference and
    /// write concern, and the courses and progress collections. Nothing is registered in the BSON serializer registry:
    /// the storage types carry their mapping as attributes, so several hosts in one process (tests) cannot
    /// collide on a global registration.
    /// </summary>
    public static IHostApplicationBuilder AddMongoStore(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        // Courses and progress both live here when Content:Store is mongo; whichever asks first registers it.
        if (services.Any(d => d.ServiceType == typeof(IMongoClient)))
        {
            return builder;
        }
        var connectionString = builder.Configuration.GetConnectionString("Mongo");
        services.AddOptions<MongoOptions>()
            .BindConfiguration(MongoOptions.Section)
            .PostConfigure(o => o.ConnectionString = connectionString)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<MongoOptions>, MongoOptionsValidator>();

        // The client owns the connection pools and server monitoring: one per process.
        services.AddSingleton<IMongoClient>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<MongoOptions>>().Value;
            var settings = MongoClientSettings.FromConnectionString(options.ConnectionString);
            settings.ApplicationName ??= "learnstream";
            return new MongoClient(settings);
        });
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<MongoOptions>>().Value;
            return sp.GetRequiredService<IMongoClient>().GetDatabase(options.DatabaseName, new MongoDatabaseSettings
            {
                ReadPreference = options.ToReadPreference(),
                WriteConcern = options.ToWriteConcern(),
            });
        });
        services.AddSingleton(sp =>
            sp.GetRequiredService<IMongoDatabase>().GetCollection<CourseDocument>(MongoCourseStore.CollectionName));
        services.AddSingleton(sp =>
            sp.GetRequiredService<IMongoDatabase>().GetCollection<ProgressDocument>(MongoProgressStore.CollectionName));
        services.AddSingleton(sp =>
            sp.GetRequiredService<IMongoDatabase>().GetCollection<ActivityDocument>(MongoProgressStore.ActivityCollectionName));

        services.AddHealthChecks().AddCheck<MongoHealthCheck>("mongo", tags: [HealthEndpoints.ReadyTag], timeout: TimeSpan.FromSeconds(5));
        return builder;
    }

    /// <summary>Creates the collections' indexes. Idempotent: every node runs it at start.</summary>
    public static async Task InitializeMongoStoreAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        await MongoCourseStore.CreateIndexesAsync(services.GetRequiredService<IMongoCollection<CourseDocument>>(), ct);
        await MongoProgressStore.CreateIndexesAsync(
            services.GetRequiredService<IMongoCollection<ProgressDocument>>(), services.GetRequiredService<IMongoCollection<ActivityDocument>>(), ct);
    }
}

public sealed class MongoHealthCheck(IMongoDatabase database) : IHealthCheck
{
    private static readonly BsonDocument Ping = new("ping", 1);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            // Ready means catalog reads work, so the ping goes where reads go.
            await database.RunCommandAsync<BsonDocument>(Ping, database.Settings.ReadPreference, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is MongoException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("MongoDB does not answer.");
        }
    }
}
