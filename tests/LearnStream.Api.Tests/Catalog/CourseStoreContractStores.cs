using LearnStream.Api.Data;
using LearnStream.Api.Features.Catalog;
using LearnStream.Api.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MongoDB.Driver;

namespace LearnStream.Api.Tests.Catalog;

// The relational store is built directly on the fixture's DbContext rather than resolved as
// ICourseStore, so these classes test RelationalCourseStore whatever Content:Store selects.

public sealed class CourseStoreContractTests_Sqlite : CourseStoreContractTests, IClassFixture<SqliteFixture>, IAsyncDisposable
{
    private readonly AsyncServiceScope _scope;

    public CourseStoreContractTests_Sqlite(SqliteFixture fixture)
    {
        _scope = fixture.App.Services.CreateAsyncScope();
        Store = new RelationalCourseStore(_scope.ServiceProvider.GetRequiredService<LearnStreamDbContext>());
    }

    protected override ICourseStore Store { get; }

    public ValueTask DisposeAsync() => _scope.DisposeAsync();
}

public sealed class CourseStoreContractTests_Postgres : CourseStoreContractTests, IClassFixture<PostgresRedisFixture>, IAsyncDisposable
{
    private readonly AsyncServiceScope _scope;

    public CourseStoreContractTests_Postgres(PostgresRedisFixture fixture)
    {
        _scope = fixture.App.Services.CreateAsyncScope();
        Store = new RelationalCourseStore(_scope.ServiceProvider.GetRequiredService<LearnStreamDbContext>());
    }

    protected override ICourseStore Store { get; }

    public ValueTask DisposeAsync() => _scope.DisposeAsync();
}

public sealed class CourseStoreContractTests_Mongo : CourseStoreContractTests, IClassFixture<MongoStoreFixture>
{
    private readonly MongoCourseStore _store;

    public CourseStoreContractTests_Mongo(MongoStoreFixture fixture)
    {
        if (fixture.Courses is null)
        {
            Assert.Skip(MongoStoreFixture.SkipReason);
        }
        _store = new MongoCourseStore(fixture.Courses);
    }

    protected override ICourseStore Store => _store;
}

/// <summary>
/// A fresh database on the server named by LEARNSTREAM_TEST_MONGODB, wired and indexed by the same
/// AddMongoStore and InitializeMongoStoreAsync the service uses; dropped at the end.
/// </summary>
public sealed class MongoStoreFixture : IAsyncLifetime
{
    public const string SkipReason = "LEARNSTREAM_TEST_MONGODB is not set: no MongoDB server on this machine";

    private IHost? _host;

    public IMongoCollection<CourseDocument>? Courses { get; private set; }

    /// <summary>The configured host's services (other collections), or null without a server.</summary>
    public IServiceProvider? Services => _host?.Services;

    public async ValueTask InitializeAsync()
    {
        var connectionString = Environment.GetEnvironmentVariable("LEARNSTREAM_TEST_MONGODB");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return;
        }
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Mongo"] = connectionString,
            ["Mongo:DatabaseName"] = "ls_test_" + Guid.NewGuid().ToString("N")[..16],
        });
        builder.AddMongoStore();
        _host = builder.Build();
        _host.Services.GetRequiredService<IStartupValidator>().Validate();
        await _host.Services.InitializeMongoStoreAsync();
        Courses = _host.Services.GetRequiredService<IMongoCollection<CourseDocument>>();
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is null)
        {
            return;
        }
        var database = _host.Services.GetRequiredService<IMongoDatabase>();
        await database.Client.DropDatabaseAsync(database.DatabaseNamespace.DatabaseName);
        _host.Dispose();
    }
}
