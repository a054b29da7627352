using System.Diagnostics;
using LearnStream.Api.Common;
using LearnStream.Api.Features.Progress;
using LearnStream.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace LearnStream.Api.Tests.Progress;

/// <summary>
/// The Redis buffer on a real Redis, two "nodes" being two buffers with their own connections and one
/// key prefix, flushing into a real progress store (one subclass per store). The fake clock never fires
/// the nodes' periodic push, so each test pushes where it means to.
/// </summary>
public abstract class RedisProgressBufferTests : IAsyncLifetime
{
    private readonly string _prefix = $"ls_buffer_test_{Guid.NewGuid():N}:";
    private readonly ConnectionMultiplexer _redisA = ConnectionMultiplexer.Connect(PostgresRedisFixture.RedisConnectionString);
    private readonly ConnectionMultiplexer _redisB = ConnectionMultiplexer.Connect(PostgresRedisFixture.RedisConnectionString);
    private readonly FakeTimeProvider _time = new(ProgressBeats.Start);
    private FlakyProgressStore? _store;

    protected RedisProgressBufferTests()
    {
        NodeA = Node(_redisA);
        NodeB = Node(_redisB);
    }

    /// <summary>The real store, on the subclass's database.</summary>
    protected abstract IProgressStore InnerStore { get; }

    protected FlakyProgressStore Store => _store ??= new FlakyProgressStore(InnerStore);

    protected RedisProgressBuffer NodeA { get; }

    protected RedisProgressBuffer NodeB { get; }

    protected ProgressBeats Alice { get; } = new(Guid.NewGuid());

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private RedisProgressBuffer Node(ConnectionMultiplexer redis, int flushBatchSize = 3) => new(redis, Options.Create(new RedisOptions { InstanceName = _prefix }),
        Options.Create(new ProgressOptions { FlushBatchSize = flushBatchSize }), _time, NullLogger<RedisProgressBuffer>.Instance);

    protected Task<BufferedWrite> Add(RedisProgressBuffer node, LessonProgress state, int? max = null) =>
        node.AddAsync(state, max, ProgressBeats.From(Store), Ct);

    /// <summary>Alice's keys of a lesson in Redis, as RedisProgressBuffer names them.</summary>
    private string HashKey(string lessonId) => $"{_prefix}progress:{Alice.UserId:N}:{lessonId}";

    private string PendingKey(string lessonId) => HashKey(lessonId) + ":p";

    private string DueKey => $"{_prefix}progress:due-since";

    private string DirtyKey => $"{_prefix}progress:dirty:{Alice.UserId:N}";

    protected async Task<LessonProgress> Stored(string lessonId) =>
        await Store.FindAsync(Alice.UserId, lessonId, Ct) ?? throw new InvalidOperationException($"{lessonId} was never written.");

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        var server = _redisA.GetServers()[0];
        await foreach (var key in server.KeysAsync(pattern: _prefix + "*"))
        {
            await _redisA.GetDatabase().KeyDeleteAsync(key);
        }
        await NodeA.DisposeAsync();
        await NodeB.DisposeAsync();
        await _redisA.DisposeAsync();
        await _redisB.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Beats_for_one_pair_on_two_nodes_at_once_merge_into_one_state()
    {
        // Sequences interleave across the nodes; the seconds watched are disjoint so a lost beat shows.
        var beats = Enumerable.Range(1, 60).Select(i => (Node: i % 2 == 0 ? NodeA : NodeB, State: Alice.Beat("l1", i, i * 2, i * 2 + 1))).ToList();

        // Both nodes push all along, so pushes meet beats arriving and other pushes.
        using var done = new CancellationTokenSource();
        var pushing = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                await Task.WhenAll(NodeA.PushAsync(), NodeB.PushAsync());
            }
        }, Ct);
        await Parallel.ForEachAsync(beats, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct },
            async (b, _) => await Add(b.Node, b.State));
        await done.CancelAsync();
        await pushing;
        await Task.WhenAll(NodeA.PushAsync(), NodeB.PushAsync());

        var seen = await NodeA.PeekAsync(Alice.UserId, "l1", Ct);
        Assert.Equal(60, seen!.WatchedSeconds);
        Assert.Equal(121, seen.Position); // the highest sequence's position, whichever node took it
        Assert.True(seen.SameProgressAs((await NodeB.PeekAsync(Alice.UserId, "l1", Ct))!));
    }

    [Fact]
    public async Task Either_nodes_flush_writes_what_both_nodes_received()
    {
        await Add(NodeA, Alice.Beat("l1", 1, 0, 10));
        await Add(NodeB, Alice.Beat("l1", 2, 10, 20));
        await Add(NodeB, Alice.Beat("l2", 1, 0, 30));
        await NodeA.PushAsync(); // a flush pushes its own node's beats; A's reach Redis with A's push

        Assert.Equal(2, await NodeB.FlushAsync(Store, null, Ct));
        Assert.Equal(0, await NodeA.FlushAsync(Store, null, Ct));

        var l1 = await Stored("l1");
        Assert.Equal(20, l1.WatchedSeconds);
        Assert.Equal(20, l1.Position);
        Assert.Equal(30, (await Stored("l2")).WatchedSeconds);
    }

    [Fact]
    public async Task Two_nodes_flushing_the_same_entries_at_once_count_nothing_twice()
    {
        for (var i = 1; i <= 10; i++)
        {
            await Add(i % 2 == 0 ? NodeA : NodeB, Alice.Beat($"l{i % 4}", i, i * 10, i * 10 + 15));
        }

        await Task.WhenAll(NodeA.FlushAsync(Store, null, Ct), NodeB.FlushAsync(Store, null, Ct));
        await NodeA.FlushAsync(Store, null, Ct);

        Assert.Equal(0, await NodeB.FlushAsync(Store, null, Ct));
        Assert.Equal(45, (await Stored("l1")).WatchedSeconds); // beats 1, 5, 9: [10,25) [50,65) [90,105)
        Assert.Equal(45, (await Stored("l2")).WatchedSeconds); // beats 2, 6, 10: [20,35) [60,75) [100,115)
    }

    [Fact]
    public async Task A_failed_flush_is_retried_without_counting_anything_twice()
    {
        await Add(NodeA, Alice.Beat("l1", 1, 0, 10));
        await Add(NodeA, Alice.Beat("l1", 2, 5, 20));
        Store.FailuresToCome = 1;

        await Assert.ThrowsAsync<InvalidOperationException>(() => NodeA.FlushAsync(Store, null, Ct));
        Assert.Null(await Store.FindAsync(Alice.UserId, "l1", Ct));
        await Add(NodeB, Alice.Beat("l1", 3, 15, 30));

        Assert.Equal(1, await NodeB.FlushAsync(Store, null, Ct));
        Assert.Equal(30, (await Stored("l1")).WatchedSeconds);
        await Add(NodeA, Alice.Beat("l1", 4, 0, 30)); // all seen before
        await NodeA.FlushAsync(Store, null, Ct);
        Assert.Equal(30, (await Stored("l1")).WatchedSeconds);
    }

    [Fact]
    public async Task A_beat_arriving_during_a_flush_stays_dirty_and_is_written_next()
    {
        await Add(NodeA, Alice.Beat("l1", 1, 0, 10));
        await NodeA.PushAsync();
        var gate = new TaskCompletionSource();
        Store.Gate = gate;

        // B holds nothing of the pair, so it reads it; the learner's flush makes one pass, so what it leaves dirty can be seen.
        var flush = NodeB.FlushAsync(Store, Alice.UserId, Ct);
        await Store.MergeStarted.Task;
        await Add(NodeA, Alice.Beat("l1", 2, 10, 20));
        await NodeA.PushAsync();
        gate.SetResult();
        Assert.Equal(1, await flush);

        Assert.Equal(10, (await Stored("l1")).WatchedSeconds);
        Assert.Equal(1, await NodeA.FlushAsync(Store, null, Ct));
        Assert.Equal(20, (await Stored("l1")).WatchedSeconds);
        Assert.Equal(0, await NodeB.FlushAsync(Store, null, Ct));
    }

    [Fact]
    public async Task A_node_flushes_a_pair_it_holds_settled_from_what_it_knows()
    {
        await Add(NodeA, Alice.Beat("l1", 1, 0, 10));
        await Add(NodeA, Alice.Beat("l1", 2, 10, 20));
        await NodeA.PushAsync();
        var db = _redisA.GetDatabase();
        // What A pushed is the pair's whole state in Redis, so A has no need to read it back: were the base
        // read, this flush would fail on it.
        await db.HashSetAsync(HashKey("l1"), "b", "not a state");

        Assert.Equal(1, await NodeA.FlushAsync(Store, null, Ct));

        Assert.Equal(20, (await Stored("l1")).WatchedSeconds);
        Assert.Equal(0, await db.SortedSetLengthAsync(DueKey));
        Assert.False(await db.SetContainsAsync(DirtyKey, $"{Alice.UserId:N}:l1"));
    }

    [Fact]
    public async Task A_node_behind_another_nodes_push_still_writes_it_in_the_same_flush()
    {
        // l1: B knew every entry when it pushed, so its push replaced the base A knows (the epoch's count moved on).
        await Add(NodeA, Alice.Beat("l1", 1, 0, 10));
        await NodeA.PushAsync();
        await Add(NodeB, Alice.Beat("l1", 2, 10, 20));
        await NodeB.PushAsync();
        // l2: B loaded the pair and then missed A's push, so its push was appended after the base A knows.
        await Add(NodeA, Alice.Beat("l2", 1, 0, 10));
        await NodeA.PushAsync();
        await Add(NodeB, Alice.Beat("l2", 2, 10, 20));
        await Add(NodeA, Alice.Beat("l2", 3, 20, 30));
        await NodeA.PushAsync();
        await NodeB.PushAsync();
        var db = _redisA.GetDatabase();
        Assert.Equal(1, await db.ListLengthAsync(PendingKey("l2")));

        // A holds both pairs as it last pushed them, behind what Redis has: the learner's one pass still writes B's beats.
        Assert.Equal(2, await NodeA.FlushAsync(Store, Alice.UserId, Ct));

        Assert.Equal(20, (await Stored("l1")).WatchedSeconds);
        Assert.Equal(30, (await Stored("l2")).WatchedSeconds);
        Assert.Equal(0, await db.SortedSetLengthAsync(DueKey));
        Assert.Equal(0, await db.ListLengthAsync(PendingKey("l2")));
    }

    [Fact]
    public async Task A_full_flush_also_writes_beats_that_arrive_while_it_runs()
    {
        await Add(NodeA, Alice.Beat("l1", 1, 0, 10));
        var gate = new TaskCompletionSource();
        Store.Gate = gate;

        var flush = NodeA.FlushAsync(Store, null, Ct);
        await Store.MergeStarted.Task;
        await Add(NodeB, Alice.Beat("l1", 2, 10, 20));
        await NodeB.PushAsync();
        gate.SetResult();
        await flush;
        await NodeA.FlushAsync(Store, null, Ct);

        Assert.Equal(20, (await Stored("l1")).WatchedSeconds);
        Assert.Equal(0, await NodeB.FlushAsync(Store, null, Ct));
    }

    [Fact]
    public async Task The_write_over_the_limit_in_a_minute_is_refused_on_any_node_and_changes_nothing()
    {
        for (var i = 1; i <= 3; i++)
        {
            Assert.False((await Add(NodeB, Alice.Beat("l1", i, 0, 10 * i), max: 3)).RateLimited);
        }
        await NodeB.PushAsync();

        // A node new to the pair starts from the minute's count on every node.
        var refused = await Add(NodeA, Alice.Beat("l1", 4, 0, 300), max: 3);

        Assert.True(refused.RateLimited);
        Assert.Null(refused.State);
        Assert.True((await Add(NodeB, Alice.Beat("l1", 4, 0, 300), max: 3)).RateLimited);
        await Task.WhenAll(NodeA.PushAsync(), NodeB.PushAsync());
        Assert.Equal(30, (await NodeB.PeekAsync(Alice.UserId, "l1", Ct))!.WatchedSeconds);
        Assert.Equal(30, (await NodeA.PeekAsync(Alice.UserId, "l1", Ct))!.WatchedSeconds);
        Assert.False((await Add(NodeA, Alice.Beat("l2", 1, 0, 10), max: 3)).RateLimited); // other lessons have their own count
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(300, (await Add(NodeB, Alice.Beat("l1", 4, 0, 300), max: 3)).State!.WatchedSeconds);
    }

    [Fact]
    public async Task A_push_counting_an_earlier_minute_leaves_the_later_minutes_count()
    {
        // A took two beats in one minute and pushes them only after B pushed the next minute's three.
        await Add(NodeA, Alice.Beat("l1", 1, 0, 10), max: 3);
        await Add(NodeA, Alice.Beat("l1", 2, 10, 20), max: 3);
        _time.Advance(TimeSpan.FromMinutes(1));
        for (var i = 3; i <= 5; i++)
        {
            Assert.False((await Add(NodeB, Alice.Beat("l1", i, 10 * i, 10 * i + 10), max: 3)).RateLimited);
        }
        await NodeB.PushAsync();
        await NodeA.PushAsync();

        var minute = _time.GetUtcNow().ToUnixTimeSeconds() / 60;
        var counted = await _redisA.GetDatabase().HashGetAsync(HashKey("l1"), ["m", "r"]);
        Assert.Equal([minute, 3], counted.Select(v => (long)v));
        // A node new to the pair starts from that count.
        await using var nodeC = Node(ConnectionMultiplexer.Connect(PostgresRedisFixture.RedisConnectionString));
        Assert.True((await Add(nodeC, Alice.Beat("l1", 6, 60, 70), max: 3)).RateLimited);
    }

    [Fact]
    public async Task A_flusher_with_several_workers_writes_every_pair_exactly()
    {
        for (var l = 0; l < 40; l++)
        {
            await Add(NodeA, Alice.Beat($"l{l}", 1, 0, 10 + l));
        }
        await using var services = new ServiceCollection().AddScoped<IProgressStore>(_ => Store).BuildServiceProvider();
        var options = Options.Create(new ProgressOptions { FlushBatchSize = 3, FlushWorkers = 4 });
        using var flusher = new ProgressFlusher(NodeA, services.GetRequiredService<IServiceScopeFactory>(), options, _time,
            NullLogger<ProgressFlusher>.Instance);
        var dirty = _redisA.GetDatabase();

        await flusher.StartAsync(Ct);
        // Ticks until nothing is due, for at most 30 s of real time (a busy machine makes a tick slow).
        var clock = Stopwatch.StartNew();
        do
        {
            _time.Advance(TimeSpan.FromMilliseconds(new ProgressOptions().FlushIntervalMilliseconds));
            await Task.Delay(20, Ct);
        }
        while (await dirty.SortedSetLengthAsync(DueKey) > 0 && clock.Elapsed < TimeSpan.FromSeconds(30));
        await flusher.StopAsync(Ct);

        Assert.Equal(0, await dirty.SortedSetLengthAsync(DueKey));
        for (var l = 0; l < 40; l++)
        {
            Assert.Equal(10 + l, (await Stored($"l{l}")).WatchedSeconds);
        }
    }

    [Fact]
    public async Task A_flush_batch_larger_than_one_script_call_folds_and_writes_every_pair_as_its_own()
    {
        // Each pair ends with a base and one pending entry (A's last push came after B's), so the flush's
        // compaction folds and trims; the batch spans three script calls for reads and three for compactions.
        var lessons = RedisProgressBuffer.MaxBatch * 2 + 7;
        for (var l = 0; l < lessons; l++)
        {
            await Add(NodeA, Alice.Beat($"l{l}", 1, 0, 10));
        }
        await NodeA.PushAsync();
        for (var l = 0; l < lessons; l++)
        {
            await Add(NodeB, Alice.Beat($"l{l}", 2, 100, 110));
        }
        await NodeB.PushAsync();
        for (var l = 0; l < lessons; l++)
        {
            await Add(NodeA, Alice.Beat($"l{l}", 3, 200, 201 + l % 100));
        }
        await NodeA.PushAsync();
        var db = _redisA.GetDatabase();
        Assert.Equal(1, await db.ListLengthAsync(PendingKey($"l{lessons - 1}")));
        await using var flushing = Node(_redisA, flushBatchSize: 1000);

        Assert.Equal(lessons, await flushing.FlushAsync(Store, null, Ct));

        Assert.Equal(0, await db.SortedSetLengthAsync(DueKey));
        for (var l = 0; l < lessons; l++)
        {
            var watched = 10 + 10 + 1 + l % 100;
            Assert.Equal(watched, (await Stored($"l{l}")).WatchedSeconds);
            Assert.Equal(0, await db.ListLengthAsync(PendingKey($"l{l}")));
            // The trimmed entry lives on in the base.
            Assert.Equal(watched, BufferedProgressJson.Deserialize((byte[])(await db.HashGetAsync(HashKey($"l{l}"), "b"))!).WatchedSeconds);
        }
    }

    [Fact]
    public async Task The_flush_writes_the_pairs_due_longest_first()
    {
        // Pushed a second apart in shuffled order; l5 first, l0 last.
        string[] lessons = ["l5", "l2", "l4", "l0", "l3", "l1"];
        foreach (var lesson in lessons)
        {
            await Add(NodeA, Alice.Beat(lesson, 1, 0, 10));
            await NodeA.PushAsync();
            _time.Advance(TimeSpan.FromSeconds(1));
        }
        var db = _redisA.GetDatabase();
        Assert.Equal(lessons.Length, await db.SortedSetLengthAsync(DueKey));

        // Batches of 3: each merge holds the three pairs due longest of what is left.
        await NodeA.FlushAsync(Store, null, Ct);

        string[][] oldestFirst = [["l2", "l4", "l5"], ["l0", "l1", "l3"]];
        Assert.Equal(oldestFirst, Store.Batches.Select(b => b.Order(StringComparer.Ordinal).ToArray()));
        Assert.Equal(0, await db.SortedSetLengthAsync(DueKey));
    }

    [Fact]
    public async Task A_pair_is_marked_due_exactly_while_it_is_in_the_due_and_dirty_sets()
    {
        var db = _redisA.GetDatabase();
        var member = $"{Alice.UserId:N}:l1";
        async Task AssertDue(bool due, string when)
        {
            Assert.True(due == await db.HashExistsAsync(HashKey("l1"), "d"), $"mark, {when}");
            Assert.True(due == await db.SortedSetScoreAsync(DueKey, member) is not null, $"due set, {when}");
            Assert.True(due == await db.SetContainsAsync(DirtyKey, member), $"dirty set, {when}");
        }

        await Add(NodeA, Alice.Beat("l1", 1, 0, 10));
        await NodeA.PushAsync();
        await AssertDue(true, "after the first push");
        await Add(NodeA, Alice.Beat("l1", 2, 10, 20));
        await NodeA.PushAsync();
        await AssertDue(true, "after a push to a pair already due");
        await NodeA.FlushAsync(Store, null, Ct);
        await AssertDue(false, "after the flush");

        // Due again from a push that replaces the base (A knows every entry) ...
        await Add(NodeA, Alice.Beat("l1", 3, 20, 30));
        await NodeA.PushAsync();
        await AssertDue(true, "after a push replacing the base");
        await NodeB.FlushAsync(Store, Alice.UserId, Ct);
        await AssertDue(false, "after the learner's flush");

        // ... and from one that appends (B loaded the pair, then missed A's push).
        await Add(NodeB, Alice.Beat("l1", 4, 30, 40));
        await Add(NodeA, Alice.Beat("l1", 5, 40, 50));
        await NodeA.PushAsync();
        await NodeA.FlushAsync(Store, null, Ct);
        await AssertDue(false, "after A's beats were stored");
        await NodeB.PushAsync();
        Assert.Equal(1, await db.ListLengthAsync(PendingKey("l1")));
        await AssertDue(true, "after a push appending an entry");
        await NodeA.FlushAsync(Store, null, Ct);
        await AssertDue(false, "after the last flush");
        Assert.Equal(50, (await Stored("l1")).WatchedSeconds);
    }

    [Fact]
    public async Task A_pair_pushed_while_the_flush_writes_it_stays_due_from_the_read()
    {
        await Add(NodeA, Alice.Beat("l1", 1, 0, 10));
        await NodeA.PushAsync();
        var pushedAt = _time.GetUtcNow().ToUnixTimeMilliseconds();
        _time.Advance(TimeSpan.FromSeconds(5));
        var readAt = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var gate = new TaskCompletionSource();
        Store.Gate = gate;
        // The learner's flush makes one pass, so what it leaves due can be seen.
        var flush = NodeB.FlushAsync(Store, Alice.UserId, Ct);
        await Store.MergeStarted.Task.WaitAsync(Ct);
        var db = _redisA.GetDatabase();
        Assert.Equal(pushedAt, await db.SortedSetScoreAsync(DueKey, $"{Alice.UserId:N}:l1"));

        // A's next push lands between the flush's read and its compaction.
        _time.Advance(TimeSpan.FromSeconds(1));
        await Add(NodeA, Alice.Beat("l1", 2, 10, 20));
        await NodeA.PushAsync();
        gate.SetResult();
        await flush;

        // The first beat is stored; the second waits from the read on, not from the first push.
        Assert.Equal(10, (await Stored("l1")).WatchedSeconds);
        Assert.Equal(readAt, await db.SortedSetScoreAsync(DueKey, $"{Alice.UserId:N}:l1"));
        await NodeA.FlushAsync(Store, null, Ct);
        Assert.Equal(20, (await Stored("l1")).WatchedSeconds);
        Assert.Null(await db.SortedSetScoreAsync(DueKey, $"{Alice.UserId:N}:l1"));
    }

    [Fact]
    public async Task A_first_beat_over_the_limit_leaves_no_base_behind()
    {
        // The minute's beats are counted in Redis but the pair's state is gone (as when keys are lost
        // between beats) and the store has none: the next beat would have to start the base itself.
        for (var i = 1; i <= 3; i++)
        {
            await Add(NodeA, Alice.Beat("l1", i, 10 * i, 10 * i + 10), max: 3);
        }
        await NodeA.PushAsync();
        var db = _redisA.GetDatabase();
        var hash = HashKey("l1");
        await db.HashDeleteAsync(hash, ["b", "e"]);

        var refused = await Add(NodeB, Alice.Beat("l1", 4, 100, 200), max: 3);

        Assert.True(refused.RateLimited);
        Assert.False(await db.HashExistsAsync(hash, "b"));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(10, (await Add(NodeB, Alice.Beat("l1", 5, 300, 310), max: 3)).State!.WatchedSeconds);
    }

    [Fact]
    public async Task A_pair_pushed_by_one_node_keeps_one_state_in_redis_and_loses_nothing()
    {
        for (var i = 1; i <= 5; i++)
        {
            await Add(NodeA, Alice.Beat("l1", i, 10 * i, 10 * i + 10));
            await NodeA.PushAsync();
        }

        // Each push held everything Redis had of the pair, so it replaced it: no pending entries.
        var db = _redisA.GetDatabase();
        Assert.Equal(0, await db.ListLengthAsync(PendingKey("l1")));
        Assert.Equal(5, (long)await db.HashGetAsync(HashKey("l1"), "n"));
        Assert.Equal(50, (await NodeB.PeekAsync(Alice.UserId, "l1", Ct))!.WatchedSeconds);

        // Once another node's push lands in between, A's next push is appended and brings B's back.
        // (B knew every entry when it pushed, so B's push replaced the base too.)
        await Add(NodeB, Alice.Beat("l1", 6, 200, 210));
        await NodeB.PushAsync();
        Assert.Equal(60, (await Add(NodeA, Alice.Beat("l1", 7, 300, 310))).State!.WatchedSeconds);
        await NodeA.PushAsync();
        Assert.Equal(1, await db.ListLengthAsync(PendingKey("l1")));
        Assert.Equal(80, (await Add(NodeA, Alice.Beat("l1", 8, 400, 410))).State!.WatchedSeconds);

        // A knew every entry again, the appended one included, so this push replaced them all: the list went with them.
        // An hour on, the push also renews the pair's expiry: the list goes for what A knew of it, not for the renewal.
        _time.Advance(RedisProgressBuffer.RenewExpiryEvery);
        await NodeA.PushAsync();
        Assert.Equal(0, await db.ListLengthAsync(PendingKey("l1")));
        Assert.Equal(8, (long)await db.HashGetAsync(HashKey("l1"), "n"));

        Assert.Equal(1, await NodeA.FlushAsync(Store, null, Ct));
        Assert.Equal(80, (await Stored("l1")).WatchedSeconds);
    }

    [Fact]
    public async Task Nodes_beating_one_pair_at_once_learn_each_others_counts_at_their_next_push()
    {
        Assert.False((await Add(NodeA, Alice.Beat("l1", 1, 0, 10), max: 3)).RateLimited);
        Assert.False((await Add(NodeB, Alice.Beat("l1", 2, 10, 20), max: 3)).RateLimited);
        Assert.False((await Add(NodeA, Alice.Beat("l1", 3, 20, 30), max: 3)).RateLimited);

        // Until A pushes, B knows only its own beat and the count it read: within one interval a pair
        // beating on two nodes may pass the limit by what the other node took.
        Assert.False((await Add(NodeB, Alice.Beat("l1", 4, 30, 40), max: 3)).RateLimited);
        await NodeA.PushAsync();
        await NodeB.PushAsync();

        Assert.True((await Add(NodeB, Alice.Beat("l1", 5, 40, 50), max: 3)).RateLimited);
        await NodeA.PushAsync(); // nothing to send: A learns nothing new until it has beats to push
        Assert.False((await Add(NodeA, Alice.Beat("l1", 5, 40, 50), max: 3)).RateLimited);
        await NodeA.PushAsync();
        Assert.True((await Add(NodeA, Alice.Beat("l1", 6, 50, 60), max: 3)).RateLimited);
        Assert.Equal(50, (await NodeA.PeekAsync(Alice.UserId, "l1", Ct))!.WatchedSeconds);
    }

    [Fact]
    public async Task Other_nodes_see_a_nodes_beats_once_it_pushes_and_its_own_answers_at_once()
    {
        Assert.Equal(10, (await Add(NodeA, Alice.Beat("l1", 1, 0, 10))).State!.WatchedSeconds);
        Assert.Equal(20, (await Add(NodeB, Alice.Beat("l1", 2, 10, 20))).State!.WatchedSeconds); // B's first beat reads the base A's first set
        Assert.Equal(15, (await Add(NodeA, Alice.Beat("l1", 3, 20, 25))).State!.WatchedSeconds); // B has not pushed
        Assert.Equal(15, (await NodeA.PeekAsync(Alice.UserId, "l1", Ct))!.WatchedSeconds);
        Assert.Equal(20, (await NodeB.PeekAsync(Alice.UserId, "l1", Ct))!.WatchedSeconds);

        await NodeA.PushAsync();
        Assert.Equal(25, (await NodeB.PeekAsync(Alice.UserId, "l1", Ct))!.WatchedSeconds);
        await NodeB.PushAsync();
        Assert.Equal(25, (await NodeA.PeekAsync(Alice.UserId, "l1", Ct))!.WatchedSeconds);

        // A's own state learns B's beats when A next pushes.
        Assert.Equal(20, (await Add(NodeA, Alice.Beat("l1", 4, 30, 35))).State!.WatchedSeconds);
        await NodeA.PushAsync();
        Assert.Equal(35, (await Add(NodeA, Alice.Beat("l1", 5, 35, 40))).State!.WatchedSeconds);
    }

    [Fact]
    public async Task The_stored_state_is_read_once_and_answers_include_it()
    {
        await Store.MergeAsync([Alice.Beat("l1", 1, 0, 100)], 0.9, Ct);

        var first = await Add(NodeA, Alice.Beat("l1", 2, 100, 150));
        var second = await Add(NodeB, Alice.Beat("l1", 3, 150, 200));
        await NodeB.PushAsync();
        await NodeA.FlushAsync(Store, null, Ct); // pushes A's beat and brings back B's
        var third = await Add(NodeA, Alice.Beat("l1", 4, 200, 250));

        Assert.Equal(150, first.State!.WatchedSeconds);
        Assert.Equal(150, second.State!.WatchedSeconds); // the stored 100 s and its own beat: A had not pushed yet
        Assert.Equal(250, third.State!.WatchedSeconds);
        Assert.Equal(1, Store.Finds);
    }

    [Fact]
    public async Task A_flush_for_one_learner_writes_only_their_entries()
    {
        var bob = new ProgressBeats(Guid.NewGuid());
        await Add(NodeA, Alice.Beat("l1", 1, 0, 10));
        await Add(NodeA, bob.Beat("l1", 1, 0, 10));
        await NodeA.PushAsync();

        Assert.Equal(1, await NodeB.FlushAsync(Store, Alice.UserId, Ct));
        Assert.Null(await Store.FindAsync(bob.UserId, "l1", Ct));
        Assert.Equal(1, await NodeB.FlushAsync(Store, null, Ct));
        Assert.NotNull(await Store.FindAsync(bob.UserId, "l1", Ct));
    }

    [Fact]
    public async Task Many_beats_without_a_flush_fold_into_the_base_and_lose_nothing()
    {
        var count = RedisProgressBuffer.FoldThreshold * 2 + 5;
        for (var i = 1; i <= count; i++)
        {
            var node = i % 2 == 0 ? NodeA : NodeB;
            await Add(node, Alice.Beat("l1", i, i * 2, i * 2 + 1, duration: 1000));
            await node.PushAsync(); // one entry per push
        }

        var pending = await _redisA.GetDatabase().ListLengthAsync(PendingKey("l1"));
        Assert.InRange(pending, 1, RedisProgressBuffer.FoldThreshold);
        Assert.Equal(count, (await NodeA.PeekAsync(Alice.UserId, "l1", Ct))!.WatchedSeconds);
        await NodeB.FlushAsync(Store, null, Ct);
        Assert.Equal(count, (await Stored("l1")).WatchedSeconds);
    }

    [Fact]
    public async Task Every_answer_holds_every_beat_its_node_took_or_received_across_pushes_flushes_and_folds()
    {
        // A node answers from what it knows: its own beats, and every entry in Redis as of its last push
        // (a push brings back what other nodes added). This walks both nodes through random pushes,
        // flushes (which trim entries a node knows of) and folds, and checks every answer against the
        // beats the node should know, merged in one place.
        var random = new Random(6);
        var inRedis = new List<LessonProgress>();
        var known = new Dictionary<RedisProgressBuffer, List<LessonProgress>> { [NodeA] = [], [NodeB] = [] };
        var flushes = 0;
        for (var i = 1; i <= RedisProgressBuffer.FoldThreshold * 3; i++)
        {
            var start = random.Next(0, 990);
            var beat = Alice.Beat("l1", i, start, start + random.Next(1, 10), session: $"s{random.Next(3)}", duration: 1000);
            var node = random.Next(3) == 0 ? NodeB : NodeA;
            if (known[node].Count == 0)
            {
                if (inRedis.Count == 0)
                {
                    inRedis.Add(beat); // the pair's first beat anywhere becomes its base in Redis
                }
                known[node].AddRange(inRedis); // a node's first beat reads the pair
            }
            known[node].Add(beat);

            var answer = await Add(node, beat);

            var expected = MergeAll(known[node]);
            Assert.Equal(ProgressSummary.Of(expected), answer.State);
            if (random.Next(2) == 0)
            {
                var pusher = random.Next(2) == 0 ? NodeA : NodeB;
                if (random.Next(6) == 0)
                {
                    await pusher.FlushAsync(Store, null, Ct); // pushes first
                    flushes++;
                }
                else
                {
                    await pusher.PushAsync();
                }
                if (known[pusher].Except(inRedis).Any())
                {
                    // A push sends only when the node took beats since its last one, and then brings back the rest.
                    inRedis.AddRange(known[pusher].Except(inRedis));
                    known[pusher] = [.. inRedis];
                }
            }
        }

        Assert.InRange(flushes, 3, 30);
        await NodeA.PushAsync();
        await NodeB.FlushAsync(Store, null, Ct);
        var everything = MergeAll([.. known[NodeA], .. known[NodeB]]);
        Assert.True((await Stored("l1")).SameProgressAs(everything));
    }

    [Fact]
    public async Task While_pushes_fail_beats_are_refused_and_those_taken_before_reach_redis_later()
    {
        // A third node with a Redis user of its own, which loses the right to HSET (an ACL) once its
        // beats are taken: every push writes the pair's hash first, so its pushes fail and leave nothing.
        var user = $"ls_buffer_test_{Guid.NewGuid():N}";
        var server = _redisA.GetServers()[0];
        await server.ExecuteAsync("ACL", "SETUSER", user, "on", ">" + user, "~*", "&*", "+@all");
        try
        {
            await using var redisC = await ConnectionMultiplexer.ConnectAsync($"{PostgresRedisFixture.RedisConnectionString},user={user},password={user}");
            await using var nodeC = Node(redisC);
            Assert.Equal(10, (await Add(nodeC, Alice.Beat("l1", 1, 0, 10))).State!.WatchedSeconds); // its base holds this beat
            Assert.Equal(20, (await Add(nodeC, Alice.Beat("l1", 2, 10, 20))).State!.WatchedSeconds);
            await server.ExecuteAsync("ACL", "SETUSER", user, "-hset");

            await Assert.ThrowsAnyAsync<RedisException>(nodeC.PushAsync);

            await Assert.ThrowsAsync<RedisException>(() => Add(nodeC, Alice.Beat("l1", 3, 20, 30)));
            Assert.Equal(10, (await NodeA.PeekAsync(Alice.UserId, "l1", Ct))!.WatchedSeconds);
            await server.ExecuteAsync("ACL", "SETUSER", user, "+hset");
            await nodeC.PushAsync();
            Assert.Equal(20, (await NodeA.PeekAsync(Alice.UserId, "l1", Ct))!.WatchedSeconds);
            Assert.Equal(30, (await Add(nodeC, Alice.Beat("l1", 3, 20, 30))).State!.WatchedSeconds);
        }
        finally
        {
            await server.ExecuteAsync("ACL", "DELUSER", user);
        }
    }

    [Fact]
    public async Task A_node_stopping_pushes_the_beats_it_took()
    {
        await Add(NodeA, Alice.Beat("l1", 1, 0, 10));
        await Add(NodeA, Alice.Beat("l1", 2, 10, 20));

        await NodeA.DisposeAsync();

        Assert.Equal(20, (await NodeB.PeekAsync(Alice.UserId, "l1", Ct))!.WatchedSeconds);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => Add(NodeA, Alice.Beat("l1", 3, 20, 30)));
    }

    private static LessonProgress MergeAll(IEnumerable<LessonProgress> states) => states.Aggregate((a, b) => a.Merge(b, 0.9));

    [Fact]
    public async Task Beats_sent_together_on_one_node_each_count_against_their_own_limit()
    {
        // 12 lessons x 8 beats at once, while the node pushes: in each lesson exactly 5 pass.
        var beats = Enumerable.Range(0, 12).SelectMany(l => Enumerable.Range(1, 8).Select(i => Alice.Beat($"l{l}", i, i * 10, i * 10 + 10))).ToList();

        var answers = await Task.WhenAll(beats.Select(async (b, i) =>
        {
            var answer = await Add(NodeA, b, max: 5);
            if (i % 10 == 0)
            {
                await NodeA.PushAsync();
            }
            return answer;
        }));
        await NodeA.PushAsync();

        for (var l = 0; l < 12; l++)
        {
            var accepted = beats.Zip(answers).Where(x => x.First.LessonId == $"l{l}" && !x.Second.RateLimited).Select(x => x.First).ToList();
            Assert.Equal(5, accepted.Count);
            Assert.Equal(50, (await NodeB.PeekAsync(Alice.UserId, $"l{l}", Ct))!.WatchedSeconds);
            Assert.All(answers.Where(a => a.RateLimited), a => Assert.Null(a.State));
        }
    }

    [Fact]
    public async Task A_node_beating_a_pair_renews_its_expiry_hourly_not_with_every_push()
    {
        await Add(NodeA, Alice.Beat("l1", 1, 0, 10));
        await NodeA.PushAsync();
        var db = _redisA.GetDatabase();
        var shortened = TimeSpan.FromDays(1);
        await db.KeyExpireAsync(HashKey("l1"), shortened);

        _time.Advance(RedisProgressBuffer.RenewExpiryEvery - TimeSpan.FromMinutes(1));
        await Add(NodeA, Alice.Beat("l1", 2, 10, 20));
        await NodeA.PushAsync();
        Assert.True(await db.KeyTimeToLiveAsync(HashKey("l1")) <= shortened);

        _time.Advance(TimeSpan.FromMinutes(1));
        await Add(NodeA, Alice.Beat("l1", 3, 20, 30));
        await NodeA.PushAsync();
        Assert.True(await db.KeyTimeToLiveAsync(HashKey("l1")) > TimeSpan.FromDays(6));

        // A node new to the pair renews with its first push.
        await db.KeyExpireAsync(HashKey("l1"), shortened);
        await Add(NodeB, Alice.Beat("l1", 4, 30, 40));
        await NodeB.PushAsync();
        Assert.True(await db.KeyTimeToLiveAsync(HashKey("l1")) > TimeSpan.FromDays(6));
        Assert.Equal(1, await NodeA.FlushAsync(Store, null, Ct));
        Assert.Equal(40, (await Stored("l1")).WatchedSeconds);
    }

    [Fact]
    public async Task Keys_of_a_pair_expire_when_it_stays_idle()
    {
        // A's second push replaces the base; B's, which missed it, goes to the pending list.
        await Add(NodeA, Alice.Beat("l1", 1, 0, 10));
        await NodeA.PushAsync();
        await Add(NodeB, Alice.Beat("l1", 2, 10, 20));
        await Add(NodeA, Alice.Beat("l1", 3, 20, 30));
        await NodeA.PushAsync();
        await NodeB.PushAsync();

        var db = _redisA.GetDatabase();
        foreach (var key in new[] { HashKey("l1"), PendingKey("l1"), DirtyKey })
        {
            var ttl = await db.KeyTimeToLiveAsync(key);
            Assert.True(ttl is { } t && t > TimeSpan.FromDays(6) && t <= RedisProgressBuffer.IdleExpiry, $"{key}: {ttl}");
        }
    }
}
