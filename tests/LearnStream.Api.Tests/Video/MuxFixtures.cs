using LearnStream.Api.Tests.Infrastructure;

namespace LearnStream.Api.Tests.Video.WithMux;

/// <summary>A stack with <c>Video:Provider=mux</c> on SQLite, talking to its own Mux emulator over real HTTP.</summary>
public sealed class MuxSqliteFixture : SqliteFixture, IMuxFixture
{
    public MuxSqliteFixture()
    {
        foreach (var (key, value) in Mux.Settings)
        {
            Overrides[key] = value;
        }
    }

    public MuxEmulator Mux { get; } = new();

    // The base class's last step on disposal; the emulator goes with the stores it served.
    protected override async Task DropStoresAsync()
    {
        await base.DropStoresAsync();
        Mux.Dispose();
    }
}

/// <summary>The same on PostgreSQL and Redis.</summary>
public sealed class MuxPostgresFixture : PostgresRedisFixture, IMuxFixture
{
    public MuxPostgresFixture()
    {
        foreach (var (key, value) in Mux.Settings)
        {
            Overrides[key] = value;
        }
    }

    public MuxEmulator Mux { get; } = new();

    protected override async Task DropStoresAsync()
    {
        await base.DropStoresAsync();
        Mux.Dispose();
    }
}

/// <summary>What the Mux tests need from their fixture besides the running service.</summary>
public interface IMuxFixture
{
    MuxEmulator Mux { get; }
}
