using LearnStream.Api.Features.Progress;
using LearnStream.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LearnStream.Api.Tests.Progress;

/// <summary>
/// A node stopped gracefully writes every beat it acknowledged before it goes: the flush interval is a
/// minute here, so only the stop can have written them. The store is the app's own (relational).
/// </summary>
public abstract class ProgressGracefulStopTests(StoreFixture fixture)
{
    public const string LongInterval = "60000";

    protected abstract Type ExpectedBuffer { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Stopping_a_node_writes_every_acknowledged_beat_to_the_store()
    {
        var alice = new ProgressBeats(Guid.NewGuid());
        var node = fixture.StartNode();
        var buffer = node.Services.GetRequiredService<IProgressBuffer>();
        Assert.IsType(ExpectedBuffer, buffer);
        await using (var scope = node.Services.CreateAsyncScope())
        {
            var nodeStore = scope.ServiceProvider.GetRequiredService<IProgressStore>();
            for (var lesson = 1; lesson <= 3; lesson++)
            {
                for (var sequence = 1; sequence <= 4; sequence++)
                {
                    var beat = alice.Beat($"l{lesson}", sequence, (sequence - 1) * 10, sequence * 10 * lesson);
                    Assert.False((await buffer.AddAsync(beat, 60, ProgressBeats.From(nodeStore), Ct)).RateLimited);
                }
            }
        }
        await using var readScope = fixture.App.Services.CreateAsyncScope();
        var store = Assert.IsType<RelationalProgressStore>(readScope.ServiceProvider.GetRequiredService<IProgressStore>());
        Assert.Null(await store.FindAsync(alice.UserId, "l1", Ct));

        await node.DisposeAsync();

        for (var lesson = 1; lesson <= 3; lesson++)
        {
            var stored = await store.FindAsync(alice.UserId, $"l{lesson}", Ct);
            Assert.NotNull(stored);
            Assert.Equal(40 * lesson, stored.WatchedSeconds);
            Assert.Equal(40 * lesson, stored.Position);
        }
    }
}

public sealed class ProgressStopSqliteFixture : SqliteFixture
{
    public ProgressStopSqliteFixture()
    {
        Overrides["Progress:FlushIntervalMilliseconds"] = ProgressGracefulStopTests.LongInterval;
    }
}

public sealed class ProgressStopPostgresRedisFixture : PostgresRedisFixture
{
    public ProgressStopPostgresRedisFixture()
    {
        Overrides["Progress:FlushIntervalMilliseconds"] = ProgressGracefulStopTests.LongInterval;
    }
}

/// <summary>The embedded default: the in-process buffer, flushed by the stop into SQLite.</summary>
public sealed class ProgressGracefulStopTests_Sqlite(ProgressStopSqliteFixture fixture)
    : ProgressGracefulStopTests(fixture), IClassFixture<ProgressStopSqliteFixture>
{
    protected override Type ExpectedBuffer => typeof(InProcessProgressBuffer);
}

/// <summary>The production shape: the Redis buffer, flushed by the stop into PostgreSQL.</summary>
public sealed class ProgressGracefulStopTests_PostgresRedis(ProgressStopPostgresRedisFixture fixture)
    : ProgressGracefulStopTests(fixture), IClassFixture<ProgressStopPostgresRedisFixture>
{
    protected override Type ExpectedBuffer => typeof(RedisProgressBuffer);
}
