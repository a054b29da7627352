using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace LearnStream.Api.Tests.Infrastructure;

/// <summary>
/// A running service on one set of stores. Each stack gets its own database (a SQLite file, or a fresh
/// PostgreSQL database) and its own Redis key prefix, so test classes never see each other's data.
/// </summary>
public abstract class StoreFixture : IAsyncLifetime
{
    public const string AdminEmail = "admin@learnstream.test";
    public const string AdminPassword = "Admin-Passphrase-For-Tests-7";

    private readonly List<LearnStreamApp> _nodes = [];
    private Dictionary<string, string?> _settings = [];

    protected string DataDirectory { get; } = Directory.CreateTempSubdirectory("learnstream-test-").FullName;

    public LearnStreamApp App => _nodes.Count > 0 ? _nodes[0] : throw new InvalidOperationException("Stack not started.");

    public string DataPath => DataDirectory;

    /// <summary>Settings a derived fixture changes, for example lower rate limits.</summary>
    public Dictionary<string, string?> Overrides { get; } = [];

    public async ValueTask InitializeAsync()
    {
        _settings = new Dictionary<string, string?>
        {
            ["DataDirectory"] = DataDirectory,
            ["Bootstrap:AdminEmail"] = AdminEmail,
            ["Bootstrap:AdminPassword"] = AdminPassword,
            ["RateLimits:Auth:PerAddressPerMinute"] = "1000000",
            ["RateLimits:Auth:PerAccountPerMinute"] = "1000000",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
        };
        foreach (var (key, value) in await PrepareStoresAsync())
        {
            _settings[key] = value;
        }
        foreach (var (key, value) in Overrides)
        {
            _settings[key] = value;
        }
        StartNode();
    }

    /// <summary>Replaces services of every node started from now on, for example the clock.</summary>
    public Action<IServiceCollection>? Services { get; set; }

    /// <summary>Starts another node on the same stores (same database, same Redis prefix).</summary>
    public LearnStreamApp StartNode(IReadOnlyDictionary<string, string?>? extraSettings = null)
    {
        var settings = new Dictionary<string, string?>(_settings);
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        var node = new LearnStreamApp(settings, Services);
        _ = node.Server; // starts it: migrations and admin bootstrap run now, not in the first test
        _nodes.Add(node);
        return node;
    }

    protected abstract Task<Dictionary<string, string?>> PrepareStoresAsync();

    protected virtual Task DropStoresAsync() => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
        await DropStoresAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a finalizing connection; the temp directory is cleaned by the OS.
        }
        GC.SuppressFinalize(this);
    }
}

/// <summary>The embedded default: SQLite under DataDirectory, everything else in process.</summary>
public class SqliteFixture : StoreFixture
{
    protected override Task<Dictionary<string, string?>> PrepareStoresAsync() =>
        Task.FromResult(new Dictionary<string, string?> { ["Database:Provider"] = "sqlite" });
}

/// <summary>The production shape: PostgreSQL for the relational store and Redis for shared state.</summary>
public class PostgresRedisFixture : StoreFixture
{
    private string? _database;

    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("LEARNSTREAM_TEST_POSTGRES")
        ?? "Host=127.0.0.1;Port=5432;Username=learnstream;Password=learnstream;Database=learnstream";

    public static string RedisConnectionString =>
        Environment.GetEnvironmentVariable("LEARNSTREAM_TEST_REDIS") ?? "127.0.0.1:6379";

    protected override async Task<Dictionary<string, string?>> PrepareStoresAsync()
    {
        _database = "ls_test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(ServerConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {_database}", connection);
            await create.ExecuteNonQueryAsync();
        }
        var builder = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = _database };
        return new Dictionary<string, string?>
        {
            ["Database:Provider"] = "postgres",
            ["ConnectionStrings:Database"] = builder.ConnectionString,
            ["ConnectionStrings:Redis"] = RedisConnectionString,
            ["Redis:InstanceName"] = _database + ":",
        };
    }

    protected override async Task DropStoresAsync()
    {
        if (_database is null)
        {
            return;
        }
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", connection);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await drop.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 10)
            {
                // An autovacuum worker is in the database and this role may not end it; it finishes soon.
                await Task.Delay(500);
            }
        }
    }
}
