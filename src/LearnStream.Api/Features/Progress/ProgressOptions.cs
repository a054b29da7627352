using System.ComponentModel.DataAnnotations;

namespace LearnStream.Api.Features.Progress;

public sealed class ProgressOptions
{
    public const string Section = "Progress";

    /// <summary>Share of a video's duration that must be watched for the lesson to be complete.</summary>
    [Range(0.01, 1.0)]
    public double CompletionThreshold { get; set; } = 0.9;

    /// <summary>Beats accepted per learner and lesson per minute; more get 429.</summary>
    [Range(1, 100_000)]
    public int MaxBeatsPerMinute { get; set; } = 60;

    /// <summary>How often buffered progress is written to the store, in milliseconds.</summary>
    [Range(100, 60_000)]
    public int FlushIntervalMilliseconds { get; set; } = 2000;

    /// <summary>
    /// How often a node sends the beats it has merged to the shared Redis buffer, in milliseconds: what a
    /// node that dies on its own can lose, and how soon other nodes see its beats.
    /// </summary>
    [Range(1, 1000)]
    public int PushIntervalMilliseconds { get; set; } = 100;

    /// <summary>
    /// Flushes a node runs at once over the shared Redis buffer, each with its own store connection, and
    /// the number of windows of the pairs due longest that a flush picks one from at random (so flushes
    /// running at once, on this node and others, mostly take different pairs). A flush mostly waits on
    /// Redis and the store, so with many pairs one alone falls behind before the machine is busy; more
    /// keep the backlog shorter at the beats' expense when cores are short (bench/README.md). The
    /// in-process buffer flushes one at a time.
    /// </summary>
    [Range(1, 16)]
    public int FlushWorkers { get; set; } = 1;

    /// <summary>Learner-lesson states written per store batch.</summary>
    [Range(1, 10_000)]
    public int FlushBatchSize { get; set; } = 500;

    /// <summary>How long analytics answers are cached, in seconds.</summary>
    [Range(0, 3600)]
    public int AnalyticsCacheSeconds { get; set; } = 60;
}
