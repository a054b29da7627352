using LearnStream.Api.Common;
using LearnStream.Api.Data;
using LearnStream.Api.Features.Catalog;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MongoDB.Driver;

namespace LearnStream.Tests.Catalog;

/// <summary>What AddMongoStore registers and refuses, without a server: the client connects lazily.</summary>
public class MongoStoreRegistrationTests
{
    private const string ConnectionString = "mongodb://127.0.0.1:27017";

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddMongoStore();
        return builder.Build();
    }

    private static string StartupFailure(Dictionary<string, string?> settings)
    {
        using var host = Build(settings);
        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IStartupValidator>().Validate());
        return error.Message;
    }

    [Fact]
    public void Start_fails_naming_the_key_when_the_connection_string_is_missing()
    {
        Assert.Contains("ConnectionStrings:Mongo is required", StartupFailure([]));
    }

    [Fact]
    public void Start_fails_without_echoing_a_connection_string_that_is_not_mongodb()
    {
        var message = StartupFailure(new() { ["ConnectionStrings:Mongo"] = "Host=db;Password=hunter2" });

        Assert.Contains("ConnectionStrings:Mongo is not a MongoDB connection string", message);
        Assert.DoesNotContain("hunter2", message);
    }

    [Theory]
    [InlineData("Mongo:ReadPreference", "fastest")]
    [InlineData("Mongo:ReadPreference", "1")]
    [InlineData("Mongo:WriteConcern", "w0")]
    [InlineData("Mongo:DatabaseName", " ")]
    public void Start_fails_naming_an_invalid_setting(string key, string value)
    {
        var message = StartupFailure(new() { ["ConnectionStrings:Mongo"] = ConnectionString, [key] = value });

        Assert.Contains(key, message);
    }

    [Fact]
    public void Defaults_read_from_the_primary_when_there_is_one_and_write_to_a_majority()
    {
        using var host = Build(new() { ["ConnectionStrings:Mongo"] = ConnectionString });
        host.Services.GetRequiredService<IStartupValidator>().Validate();

        var database = host.Services.GetRequiredService<IMongoDatabase>();

        Assert.Equal("learnstream", database.DatabaseNamespace.DatabaseName);
        Assert.Equal(ReadPreference.PrimaryPreferred, database.Settings.ReadPreference);
        Assert.Equal(WriteConcern.WMajority, database.Settings.WriteConcern);
    }

    [Fact]
    public void Configured_database_read_preference_and_write_concern_apply_to_the_courses_collection()
    {
        using var host = Build(new()
        {
            ["ConnectionStrings:Mongo"] = ConnectionString,
            ["Mongo:DatabaseName"] = "catalog",
            ["Mongo:ReadPreference"] = "secondaryPreferred",
            ["Mongo:WriteConcern"] = "w1",
        });

        var courses = host.Services.GetRequiredService<IMongoCollection<CourseDocument>>();

        Assert.Equal("catalog.courses", courses.CollectionNamespace.FullName);
        Assert.Equal(ReadPreference.SecondaryPreferred, courses.Settings.ReadPreference);
        Assert.Equal(WriteConcern.W1, courses.Settings.WriteConcern);
    }

    [Fact]
    public void One_client_serves_the_whole_process_and_the_store_is_built_from_the_registrations()
    {
        using var host = Build(new() { ["ConnectionStrings:Mongo"] = ConnectionString });
        using var scope = host.Services.CreateScope();

        Assert.Same(host.Services.GetRequiredService<IMongoClient>(), scope.ServiceProvider.GetRequiredService<IMongoClient>());
        Assert.IsType<MongoCourseStore>(ActivatorUtilities.CreateInstance<MongoCourseStore>(scope.ServiceProvider));
        Assert.Null(host.Services.GetService<ICourseStore>());
    }

    [Fact]
    public void Readiness_includes_a_mongo_check()
    {
        using var host = Build(new() { ["ConnectionStrings:Mongo"] = ConnectionString });

        var registrations = host.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations;

        var mongo = Assert.Single(registrations, r => r.Name == "mongo");
        Assert.Contains(HealthEndpoints.ReadyTag, mongo.Tags);
    }
}
