using LearnStream.Api.Data;
using LearnStream.Api.Features.Progress;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MongoDB.Driver;

namespace LearnStream.Tests.Progress;

/// <summary>Which progress store Content:Store selects, without a server: the Mongo client connects lazily.</summary>
public class ProgressStoreRegistrationTests
{
    private static HostApplicationBuilder Builder(string? contentStore)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Content:Store"] = contentStore,
            ["ConnectionStrings:Mongo"] = "mongodb://127.0.0.1:27017",
            ["Mongo:DatabaseName"] = "content",
        });
        return builder;
    }

    private static ServiceDescriptor ProgressStore(IServiceCollection services) =>
        Assert.Single(services, d => d.ServiceType == typeof(IProgressStore));

    [Fact]
    public void Relational_by_default_scoped_like_its_DbContext()
    {
        var builder = Builder(null);

        builder.AddProgressStore();

        var store = ProgressStore(builder.Services);
        Assert.Equal(typeof(RelationalProgressStore), store.ImplementationType);
        Assert.Equal(ServiceLifetime.Scoped, store.Lifetime);
        Assert.DoesNotContain(builder.Services, d => d.ServiceType == typeof(IMongoClient));
    }

    [Fact]
    public void Mongo_content_store_puts_progress_in_the_same_database()
    {
        var builder = Builder("mongo");

        builder.AddProgressStore();
        using var host = builder.Build();

        Assert.Equal(typeof(MongoProgressStore), ProgressStore(builder.Services).ImplementationType);
        Assert.IsType<MongoProgressStore>(host.Services.GetRequiredService<IProgressStore>());
        Assert.Equal("content.progress", host.Services.GetRequiredService<IMongoCollection<ProgressDocument>>().CollectionNamespace.FullName);
        Assert.Equal("content.progress_activity", host.Services.GetRequiredService<IMongoCollection<ActivityDocument>>().CollectionNamespace.FullName);
    }

    [Fact]
    public void Catalog_and_progress_both_asking_for_mongo_register_it_once()
    {
        var builder = Builder("mongo");

        builder.AddMongoStore();
        builder.AddProgressStore();
        using var host = builder.Build();

        Assert.Single(builder.Services, d => d.ServiceType == typeof(IMongoClient));
        var registrations = host.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations;
        Assert.Single(registrations, r => r.Name == "mongo");
    }
}
