namespace LearnStream.Api.Features.Progress;

/// <summary>What a beat did: the learner and lesson's state with the beat merged in, as an answer shows it, or refused for its rate.</summary>
public sealed record BufferedWrite(ProgressSummary? State, bool RateLimited);

/// <summary>
/// The write-behind buffer between beats and the progress store: in Redis when one is configured (every
/// node merges into the same entries, and an acknowledged beat survives its node once the node has
/// pushed it, within a push interval), in process otherwise.
/// A background flusher writes dirty entries to the store in batches every few seconds and once more on
/// a graceful stop.
/// </summary>
public interface IProgressBuffer
{
    /// <summary>
    /// Counts the write against the per-minute limit of its learner and lesson (when
    /// <paramref name="maxPerMinute"/> is given) and, within it, merges <paramref name="state"/> into the
    /// buffered entry and marks it dirty. When nothing is buffered for the pair, the stored state from
    /// <paramref name="loadStored"/> (given the learner and the lesson) is the base, so the answer reflects
    /// everything known.
    /// </summary>
    Task<BufferedWrite> AddAsync(LessonProgress state, int? maxPerMinute, Func<Guid, string, CancellationToken, Task<LessonProgress?>> loadStored, CancellationToken cancellationToken);

    /// <summary>The buffered state of the pair (base and pending beats merged), or null when nothing is buffered.</summary>
    Task<LessonProgress?> PeekAsync(Guid userId, string lessonId, CancellationToken cancellationToken);

    /// <summary>
    /// Writes dirty entries to the store in batches: all of them, or only <paramref name="userId"/>'s
    /// (reads of one learner's progress call this first, so they see every beat their node acknowledged
    /// and every beat other nodes have pushed). An entry
    /// stays dirty if the write fails or if a beat arrived while it was being written. Returns the number
    /// of entries written.
    /// </summary>
    Task<int> FlushAsync(IProgressStore store, Guid? userId, CancellationToken cancellationToken);

    /// <summary>
    /// Whether several flushes may run at once, each with its own store, and share the work rather than
    /// repeat it (<see cref="ProgressOptions.FlushWorkers"/>).
    /// </summary>
    bool FlushesShareWork => false;
}
