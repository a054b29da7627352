using Microsoft.Extensions.Options;

namespace LearnStream.Api.Features.Progress;

/// <summary>
/// Writes the buffer to the store every <see cref="ProgressOptions.FlushIntervalMilliseconds"/>, and on
/// a graceful stop until nothing is left, so no acknowledged beat is lost by stopping a node. A failed
/// flush only waits for the next tick: the entries stay dirty and the store's merge is idempotent.
/// </summary>
public sealed class ProgressFlusher(IProgressBuffer buffer, IServiceScopeFactory scopes, IOptions<ProgressOptions> options,
    TimeProvider time, ILogger<ProgressFlusher> logger) : BackgroundService
{
    /// <summary>Flushes tried on stop; beats still arriving from other nodes must not hold the stop forever.</summary>
    public const int StopAttempts = 5;

    /// <summary>Flush loops side by side: <see cref="ProgressOptions.FlushWorkers"/> when the buffer shares the work among them, else one.</summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var workers = buffer.FlushesShareWork ? options.Value.FlushWorkers : 1;
        return Task.WhenAll(Enumerable.Range(0, workers).Select(_ => FlushPeriodicallyAsync(stoppingToken)));
    }

    private async Task FlushPeriodicallyAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMilliseconds(options.Value.FlushIntervalMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            await TryFlushAsync(stoppingToken);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        for (var attempt = 1; attempt <= StopAttempts && !cancellationToken.IsCancellationRequested; attempt++)
        {
            switch (await TryFlushAsync(cancellationToken))
            {
                case 0:
                    return;
                case null when attempt < StopAttempts:
                    // A brief pause gives a store that just failed a chance to recover; the host's stop timeout bounds the whole.
                    await Task.WhenAny(Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken));
                    break;
            }
        }
    }

    /// <summary>One flush of every dirty entry; the number written, 0 when nothing was dirty, null when it failed.</summary>
    public async Task<int?> TryFlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var store = scope.ServiceProvider.GetRequiredService<IProgressStore>();
            return await buffer.FlushAsync(store, userId: null, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (ObjectDisposedException)
        {
            // Stopped a second time after the services were disposed: the first stop already flushed.
            return 0;
        }
        catch (Exception e)
        {
            // The type only: messages of database drivers can carry connection details.
            logger.LogWarning("Progress flush failed ({Error}); buffered progress stays dirty and is written on a later attempt", e.GetType().Name);
            return null;
        }
    }
}
