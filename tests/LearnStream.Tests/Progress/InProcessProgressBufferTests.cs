using LearnStream.Api.Features.Progress;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LearnStream.Tests.Progress;

public class InProcessProgressBufferTests
{
    private readonly FakeTimeProvider _time = new(Beats.Start);
    private readonly ScriptedProgressStore _store = new();
    private readonly Beats _alice = new(Guid.NewGuid());
    private readonly InProcessProgressBuffer _buffer;

    public InProcessProgressBufferTests() =>
        _buffer = new InProcessProgressBuffer(Options.Create(new ProgressOptions { FlushBatchSize = 2 }), _time);

    private Task<BufferedWrite> Add(LessonProgress state, int? max = null) =>
        _buffer.AddAsync(state, max, Beats.From(_store), TestContext.Current.CancellationToken);

    private Task<int> Flush(Guid? userId = null) => _buffer.FlushAsync(_store, userId, TestContext.Current.CancellationToken);

    [Fact]
    public async Task A_beat_answers_with_the_stored_state_merged_and_reads_the_store_only_for_the_first_beat()
    {
        await _store.MergeAsync([_alice.Beat("l1", 1, 0, 100)], 0.9, TestContext.Current.CancellationToken);

        var first = await Add(_alice.Beat("l1", 2, 100, 150));
        var second = await Add(_alice.Beat("l1", 3, 150, 200));

        Assert.Equal(150, first.State!.WatchedSeconds);
        Assert.Equal(200, second.State!.WatchedSeconds);
        Assert.Equal(200, second.State.Position);
        Assert.Equal(1, _store.Finds);
    }

    [Fact]
    public async Task The_write_over_the_limit_in_a_minute_is_refused_and_changes_nothing()
    {
        for (var i = 1; i <= 3; i++)
        {
            Assert.False((await Add(_alice.Beat("l1", i, 0, 10 * i), max: 3)).RateLimited);
        }

        var refused = await Add(_alice.Beat("l1", 4, 0, 300), max: 3);

        Assert.True(refused.RateLimited);
        Assert.Null(refused.State);
        Assert.Equal(30, (await _buffer.PeekAsync(_alice.UserId, "l1", TestContext.Current.CancellationToken))!.WatchedSeconds);
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(300, (await Add(_alice.Beat("l1", 4, 0, 300), max: 3)).State!.WatchedSeconds);
    }

    [Fact]
    public async Task A_flush_writes_each_dirty_entry_once_in_batches()
    {
        foreach (var lesson in new[] { "l1", "l2", "l3" })
        {
            await Add(_alice.Beat(lesson, 1, 0, 10));
            await Add(_alice.Beat(lesson, 2, 10, 20));
        }

        Assert.Equal(3, await Flush());
        Assert.Equal(0, await Flush());
        Assert.Equal(2, _store.Merges); // batch size 2
        Assert.All(_store.All, s => Assert.Equal(20, s.WatchedSeconds));
    }

    [Fact]
    public async Task A_failed_flush_leaves_everything_dirty_and_the_retry_writes_the_union_once()
    {
        await Add(_alice.Beat("l1", 1, 0, 10));
        await Add(_alice.Beat("l1", 2, 5, 20));
        _store.FailuresToCome = 1;

        await Assert.ThrowsAsync<InvalidOperationException>(() => Flush());
        Assert.Empty(_store.All);
        await Add(_alice.Beat("l1", 3, 20, 30));

        Assert.Equal(1, await Flush());
        Assert.Equal(30, Assert.Single(_store.All).WatchedSeconds);
        Assert.Equal(0, await Flush());
    }

    [Fact]
    public async Task A_beat_that_arrives_while_its_entry_is_being_written_stays_dirty()
    {
        await Add(_alice.Beat("l1", 1, 0, 10));
        var gate = new TaskCompletionSource();
        _store.Gate = gate;

        var flush = Flush();
        await _store.MergeStarted.Task;
        await Add(_alice.Beat("l1", 2, 10, 20));
        gate.SetResult();

        Assert.Equal(1, await flush);
        Assert.Equal(10, Assert.Single(_store.All).WatchedSeconds);
        Assert.Equal(1, await Flush());
        Assert.Equal(20, Assert.Single(_store.All).WatchedSeconds);
    }

    [Fact]
    public async Task A_flush_for_one_learner_writes_only_their_entries()
    {
        var bob = new Beats(Guid.NewGuid());
        await Add(_alice.Beat("l1", 1, 0, 10));
        await Add(bob.Beat("l1", 1, 0, 10));

        Assert.Equal(1, await Flush(_alice.UserId));
        Assert.Equal(_alice.UserId, Assert.Single(_store.All).UserId);
        Assert.Equal(1, await Flush());
        Assert.Equal(2, _store.All.Count);
    }

    [Fact]
    public async Task Clean_entries_idle_for_ten_minutes_are_dropped_and_the_next_beat_reads_the_store_again()
    {
        await Add(_alice.Beat("l1", 1, 0, 10));
        await Flush();
        _time.Advance(TimeSpan.FromMinutes(5));
        await Add(_alice.Beat("l2", 1, 0, 10));
        _time.Advance(TimeSpan.FromMinutes(6));

        Assert.Equal(1, await Flush());

        Assert.Equal(1, _buffer.Count);
        Assert.Null(await _buffer.PeekAsync(_alice.UserId, "l1", TestContext.Current.CancellationToken));
        Assert.NotNull(await _buffer.PeekAsync(_alice.UserId, "l2", TestContext.Current.CancellationToken));
        var again = await Add(_alice.Beat("l1", 2, 10, 20));
        Assert.Equal(20, again.State!.WatchedSeconds);
        Assert.Equal(3, _store.Finds);
        Assert.Equal(1, await Flush(_alice.UserId));
    }

    [Fact]
    public async Task Concurrent_beats_for_one_pair_all_end_up_in_the_state()
    {
        var beats = Enumerable.Range(0, 200).Select(i => _alice.Beat("l1", i, i * 2, i * 2 + 1)).ToList();

        await Parallel.ForEachAsync(beats, TestContext.Current.CancellationToken, async (beat, _) => await Add(beat));
        await Flush();

        var stored = Assert.Single(_store.All);
        Assert.Equal(200, stored.WatchedSeconds);
        Assert.Equal(399, stored.Position);
    }
}
