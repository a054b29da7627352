using System.Security.Cryptography;

namespace LearnStream.Api.Features.Progress;

/// <summary>
/// The optimistic write loop both stores share: merge onto the rows as read, write where nothing moved
/// meanwhile, and merge again the states whose rows another writer changed. Safe to repeat because the
/// merge is idempotent.
/// </summary>
internal static class ProgressMerges
{
    /// <summary>Each round at least one contender commits, and the jittered backoff spreads the rest.</summary>
    public const int MaxAttempts = 10;

    /// <summary>
    /// Runs <paramref name="mergeOnce"/> (which returns the states it could not write) until every state is
    /// written, on one state per learner and lesson: a batch naming a row twice would race with itself.
    /// </summary>
    public static async Task UntilWrittenAsync(IReadOnlyCollection<LessonProgress> states, double completionThreshold,
        Func<List<LessonProgress>, Task<List<LessonProgress>>> mergeOnce, CancellationToken cancellationToken)
    {
        List<LessonProgress> pending = [.. states.GroupBy(s => s.Key, StringComparer.Ordinal)
            .Select(g => g.Aggregate((a, b) => a.Merge(b, completionThreshold)))];
        for (var attempt = 1; pending.Count > 0; attempt++)
        {
            if (attempt > 1)
            {
                if (attempt > MaxAttempts)
                {
                    throw new InvalidOperationException($"Progress of {pending.Count} lessons kept changing under {MaxAttempts} merges.");
                }
                await Task.Delay(Backoff(attempt - 1), cancellationToken);
            }
            pending = await mergeOnce(pending);
        }
    }

    private static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(RandomNumberGenerator.GetInt32(1, 5 << Math.Min(attempt, 7)));
}
