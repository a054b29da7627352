using System.Diagnostics;
using LearnStream.Api.Features.Progress;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LearnStream.Tests.Progress;

public sealed class ProgressFlusherTests : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private readonly FakeTimeProvider _time = new(Beats.Start);
    private readonly ScriptedProgressStore _store = new();
    private readonly Beats _alice = new(Guid.NewGuid());
    private readonly InProcessProgressBuffer _buffer;
    private readonly ServiceProvider _services;
    private readonly ProgressFlusher _flusher;

    public ProgressFlusherTests()
    {
        var options = Options.Create(new ProgressOptions { FlushIntervalMilliseconds = (int)Interval.TotalMilliseconds });
        _buffer = new InProcessProgressBuffer(options, _time);
        _services = new ServiceCollection().AddScoped<IProgressStore>(_ => _store).BuildServiceProvider();
        _flusher = new ProgressFlusher(_buffer, _services.GetRequiredService<IServiceScopeFactory>(), options, _time, NullLogger<ProgressFlusher>.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        _flusher.Dispose();
        await _services.DisposeAsync();
    }

    private Task<BufferedWrite> Add(LessonProgress state) => _buffer.AddAsync(state, null, Beats.From(_store), TestContext.Current.CancellationToken);

    /// <summary>
    /// Advances the clock one interval at a time until the store has seen <paramref name="merges"/> merges,
    /// giving up after 30 s of real time (not a count of ticks: on a busy machine a tick can take long).
    /// </summary>
    private async Task TickUntilMergedAsync(int merges)
    {
        var clock = Stopwatch.StartNew();
        while (_store.Merges < merges && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            _time.Advance(Interval);
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
        Assert.Equal(merges, _store.Merges);
    }

    [Fact]
    public async Task Buffered_beats_reach_the_store_within_a_flush_interval()
    {
        await _flusher.StartAsync(TestContext.Current.CancellationToken);
        await Add(_alice.Beat("l1", 1, 0, 10));
        await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.Equal(0, _store.Merges); // nothing before the interval has passed

        await TickUntilMergedAsync(1);

        Assert.Equal(10, Assert.Single(_store.All).WatchedSeconds);
    }

    [Fact]
    public async Task A_failing_store_does_not_stop_the_flusher()
    {
        _store.FailuresToCome = 2;
        await _flusher.StartAsync(TestContext.Current.CancellationToken);
        await Add(_alice.Beat("l1", 1, 0, 10));

        await TickUntilMergedAsync(1);

        Assert.True(_store.FailuresToCome < 0, "the failing attempts ran");
        Assert.Equal(10, Assert.Single(_store.All).WatchedSeconds);
    }

    [Fact]
    public async Task A_graceful_stop_writes_every_buffered_beat()
    {
        await _flusher.StartAsync(TestContext.Current.CancellationToken);
        for (var i = 1; i <= 5; i++)
        {
            await Add(_alice.Beat($"l{i}", 1, 0, 10 * i));
        }

        await _flusher.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal(5, _store.All.Count);
        Assert.Equal(0, await _buffer.FlushAsync(_store, null, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_graceful_stop_retries_when_the_store_fails_once()
    {
        await _flusher.StartAsync(TestContext.Current.CancellationToken);
        await Add(_alice.Beat("l1", 1, 0, 10));
        _store.FailuresToCome = 1;

        await _flusher.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal(10, Assert.Single(_store.All).WatchedSeconds);
    }
}
