using LearnStream.Api.Common;
using LearnStream.Api.Data;
using LearnStream.Api.Features.Users;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using ZiggyCreatures.Caching.Fusion;
using ZiggyCreatures.Caching.Fusion.Backplane.StackExchangeRedis;
using ZiggyCreatures.Caching.Fusion.Serialization.SystemTextJson;

namespace LearnStream.Api.Features.Catalog;

public sealed class ContentOptions
{
    public const string Section = "Content";
    public const string Relational = "relational";
    public const string Mongo = "mongo";

    /// <summary><c>relational</c> (the same database as users) or <c>mongo</c>.</summary>
    public string Store { get; set; } = Relational;
}

public static class CatalogExtensions
{
    public static IHostApplicationBuilder AddCatalog(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ContentOptions>().BindConfiguration(ContentOptions.Section)
            .Validate(o => o.Store is ContentOptions.Relational or ContentOptions.Mongo, "Content:Store must be 'relational' or 'mongo'.")
            .ValidateOnStart();
        services.AddOptions<CatalogOptions>().BindConfiguration(CatalogOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        if (builder.Configuration[$"{ContentOptions.Section}:Store"] == ContentOptions.Mongo)
        {
            builder.AddMongoStore();
            services.AddScoped<ICourseStore, MongoCourseStore>();
        }
        else
        {
            services.AddScoped<ICourseStore, RelationalCourseStore>();
        }
        services.AddScoped<CourseEditor>();
        services.AddSingleton<CatalogCache>();
        services.AddAuthorizationBuilder()
            .AddPolicy(CatalogApi.AuthorPolicy, policy => policy.RequireRole(Roles.Instructor, Roles.Admin));

        services.AddOptions<CacheOptions>().BindConfiguration(CacheOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        // Bounded, since some keys come from clients: every entry states its size (CacheEntries), FusionCache's own tag entries too.
        services.AddKeyedSingleton<IMemoryCache>(CacheOptions.MemoryKey, (sp, _) =>
            new MemoryCache(new MemoryCacheOptions { SizeLimit = sp.GetRequiredService<IOptions<CacheOptions>>().Value.SizeLimit }));
        var redis = builder.Configuration.HasRedis();
        var cache = services.AddFusionCache()
            .WithOptions(o =>
            {
                o.DefaultEntryOptions.Size = 1;
                o.TagsDefaultEntryOptions.Size = 1;
                if (redis)
                {
                    o.BackplaneChannelPrefix = builder.Configuration["Redis:InstanceName"] ?? new RedisOptions().InstanceName;
                }
            })
            .WithMemoryCache(sp => sp.GetRequiredKeyedService<IMemoryCache>(CacheOptions.MemoryKey))
            .WithSerializer(new FusionCacheSystemTextJsonSerializer());
        if (redis)
        {
            // Level 2 and the backplane share the app's one Redis connection and its key prefix.
            cache.WithDistributedCache(sp => new RedisCache(new RedisCacheOptions
                {
                    ConnectionMultiplexerFactory = () => Task.FromResult(sp.GetRequiredService<IConnectionMultiplexer>()),
                    InstanceName = sp.GetRequiredService<IOptions<RedisOptions>>().Value.InstanceName + "cache:",
                }))
                .WithBackplane(sp => new RedisBackplane(new RedisBackplaneOptions
                {
                    ConnectionMultiplexerFactory = () => Task.FromResult(sp.GetRequiredService<IConnectionMultiplexer>()),
                }));
        }
        return builder;
    }

    /// <summary>Creates the MongoDB indexes when courses live there; the relational store has migrations.</summary>
    public static async Task InitializeContentStoreAsync(this IServiceProvider services)
    {
        if (services.GetRequiredService<IOptions<ContentOptions>>().Value.Store == ContentOptions.Mongo)
        {
            await services.InitializeMongoStoreAsync();
        }
    }
}
