using System.Collections.Concurrent;
using System.Threading.Channels;
using LearnStream.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LearnStream.Api.Features.Video.Local;

/// <summary>
/// Turns uploaded files into HLS, at most <c>Video:Local:MaxConcurrentTranscodes</c> at once. The
/// queue is the database: a lesson video stays <c>processing</c> with its source file until a
/// transcode finishes, so a job interrupted by a stop or a crash is found again at the next start
/// and nothing uploaded is lost. The in-memory channel only wakes the worker early.
/// </summary>
public sealed partial class TranscodeWorker(IServiceScopeFactory scopes, FfmpegTranscoder transcoder, MediaLocation media,
    IOptions<LocalVideoOptions> options, TimeProvider time, ILogger<TranscodeWorker> logger) : BackgroundService
{
    private const int MaxErrorLength = 1000;
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>();
    private readonly ConcurrentDictionary<string, byte> _queued = new();

    public void Enqueue(string lessonId)
    {
        if (_queued.TryAdd(lessonId, 0))
        {
            _queue.Writer.TryWrite(lessonId);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        RemoveLeftovers();
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LearnStreamDbContext>();
            var interrupted = await db.LessonVideos.AsNoTracking()
                .Where(v => v.Provider == VideoOptions.Local && v.Status == VideoStatus.Processing)
                .OrderBy(v => v.UpdatedAt).Select(v => v.LessonId).ToListAsync(stoppingToken);
            interrupted.ForEach(Enqueue);
        }
        using var slots = new SemaphoreSlim(options.Value.MaxConcurrentTranscodes);
        var running = new List<Task>();
        try
        {
            await foreach (var lessonId in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                await slots.WaitAsync(stoppingToken);
                running.RemoveAll(t => t.IsCompleted);
                running.Add(Task.Run(async () =>
                {
                    string? handled = null;
                    try
                    {
                        handled = await ProcessAsync(lessonId, stoppingToken);
                    }
                    finally
                    {
                        _queued.TryRemove(lessonId, out _);
                        slots.Release();
                    }
                    await RequeueIfReplacedAsync(lessonId, handled, stoppingToken);
                }, CancellationToken.None));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: running transcodes see the same token, kill ffmpeg and stay 'processing' for the next start.
        }
        await Task.WhenAll(running);
    }

    /// <summary>Transcodes the lesson's current upload, if it still waits; returns the upload id it took, or null.</summary>
    private async Task<string?> ProcessAsync(string lessonId, CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LearnStreamDbContext>();
        var video = await db.LessonVideos.AsNoTracking()
            .SingleOrDefaultAsync(v => v.LessonId == lessonId && v.Provider == VideoOptions.Local && v.Status == VideoStatus.Processing, stoppingToken);
        if (video?.SourceFile is not { } source || video.UploadId is not { } uploadId)
        {
            return null;
        }
        try
        {
            if (!File.Exists(source))
            {
                await FinishAsync(db, lessonId, uploadId, VideoStatus.Errored, null, "The uploaded file is missing; upload the video again.");
                return uploadId;
            }
            var probe = await transcoder.ProbeAsync(source, stoppingToken);
            if (!probe.IsVideo)
            {
                await FinishAsync(db, lessonId, uploadId, VideoStatus.Errored, null, probe.Message ?? "The file is not a video.");
            }
            else
            {
                var result = await transcoder.TranscodeAsync(source, media.LessonDirectory(lessonId), probe, stoppingToken);
                if (result.Succeeded)
                {
                    await FinishAsync(db, lessonId, uploadId, VideoStatus.Ready, probe.DurationSeconds, null);
                    LogReady(logger, lessonId, probe.DurationSeconds);
                }
                else
                {
                    await FinishAsync(db, lessonId, uploadId, VideoStatus.Errored, null, Truncate($"Transcoding failed: {result.Error}"));
                }
            }
            File.Delete(source);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Left as it was: 'processing' with its source file, picked up again at the next start.
        }
        catch (Exception e)
        {
            LogFailed(logger, lessonId, e);
            await FinishAsync(db, lessonId, uploadId, VideoStatus.Errored, null, Truncate($"Transcoding failed: {e.Message}"));
            File.Delete(source);
        }
        return uploadId;
    }

    /// <summary>
    /// An upload that replaced the one being transcoded was not queued: its lesson still was, so
    /// <see cref="Enqueue"/> ignored it. Now that the lesson has left the queue, look for it.
    /// </summary>
    private async Task RequeueIfReplacedAsync(string lessonId, string? handled, CancellationToken stoppingToken)
    {
        if (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<LearnStreamDbContext>();
            if (await db.LessonVideos.AnyAsync(v => v.LessonId == lessonId && v.Provider == VideoOptions.Local
                    && v.Status == VideoStatus.Processing && v.UploadId != handled, stoppingToken))
            {
                Enqueue(lessonId);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the next start finds the upload.
        }
        catch (Exception e)
        {
            LogRequeueFailed(logger, lessonId, e);
        }
    }

    /// <summary>
    /// A crash mid-transcode can leave a hidden staging or replaced set beside a lesson's directory.
    /// None is ever served; at start, before any transcode runs, they are removed.
    /// </summary>
    private void RemoveLeftovers()
    {
        foreach (var directory in Directory.EnumerateDirectories(media.Root, ".*"))
        {
            var name = Path.GetFileName(directory);
            if (name.Contains(".partial-", StringComparison.Ordinal) || name.Contains(".replaced-", StringComparison.Ordinal))
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (IOException)
                {
                    // Tried again at the next start.
                }
            }
        }
        foreach (var part in Directory.EnumerateFiles(media.Incoming, "*.part"))
        {
            File.Delete(part); // an upload cut off by the crash; the instructor's client sends it again
        }
    }

    private static string Truncate(string message) => message.Length > MaxErrorLength ? message[..MaxErrorLength] : message;

    /// <summary>Records the outcome only if the lesson still waits for this upload; a newer upload wins.</summary>
    private async Task FinishAsync(LearnStreamDbContext db, string lessonId, string uploadId, VideoStatus status, double? duration, string? error) =>
        await db.LessonVideos
            .Where(v => v.LessonId == lessonId && v.UploadId == uploadId && v.Status == VideoStatus.Processing)
            .ExecuteUpdateAsync(s => s
                .SetProperty(v => v.Status, status)
                .SetProperty(v => v.Duration, duration)
                .SetProperty(v => v.Error, error)
                .SetProperty(v => v.AssetId, status == VideoStatus.Ready ? uploadId : null)
                .SetProperty(v => v.SourceFile, (string?)null)
                .SetProperty(v => v.Attempts, v => v.Attempts + 1)
                .SetProperty(v => v.UpdatedAt, time.GetUtcNow()), CancellationToken.None);

    [LoggerMessage(LogLevel.Information, "Lesson {LessonId}: video ready ({Duration:F1} s)")]
    private static partial void LogReady(ILogger logger, string lessonId, double duration);

    [LoggerMessage(LogLevel.Warning, "Lesson {LessonId}: could not look for a newer upload; the next start picks it up")]
    private static partial void LogRequeueFailed(ILogger logger, string lessonId, Exception exception);

    [LoggerMessage(LogLevel.Error, "Lesson {LessonId}: transcoding failed")]
    private static partial void LogFailed(ILogger logger, string lessonId, Exception exception);
}
