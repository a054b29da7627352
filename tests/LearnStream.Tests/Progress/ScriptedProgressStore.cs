using System.Collections.Concurrent;
using LearnStream.Api.Features.Progress;

namespace LearnStream.Tests.Progress;

/// <summary>
/// A test double for the buffer's unit tests, not a database: it merges like the real stores, counts
/// its reads and writes, and can be made to fail or to wait, so a flush can be stopped between reading
/// and writing. Flushes into the real stores (SQLite, PostgreSQL) are tested in LearnStream.Api.Tests
/// (RedisProgressBufferTests, ProgressGracefulStopTests and every progress HTTP test).
/// </summary>
public sealed class ScriptedProgressStore : IProgressStore
{
    private readonly ConcurrentDictionary<string, LessonProgress> _states = new(StringComparer.Ordinal);

    private int _finds;
    private int _merges;
    private int _failuresToCome;

    public int Finds => _finds;

    /// <summary>Merges that succeeded.</summary>
    public int Merges => _merges;

    /// <summary>The next this many merges throw.</summary>
    public int FailuresToCome { get => _failuresToCome; set => _failuresToCome = value; }

    /// <summary>When set, the next merge waits for it after signalling <see cref="MergeStarted"/>.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public TaskCompletionSource MergeStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyCollection<LessonProgress> All => [.. _states.Values];

    public Task<LessonProgress?> FindAsync(Guid userId, string lessonId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _finds);
        return Task.FromResult(_states.TryGetValue(LessonProgress.KeyOf(userId, lessonId), out var s) ? s : null);
    }

    public async Task MergeAsync(IReadOnlyCollection<LessonProgress> states, double completionThreshold, CancellationToken cancellationToken)
    {
        if (Interlocked.Decrement(ref _failuresToCome) >= 0)
        {
            throw new InvalidOperationException("The store is down.");
        }
        if (Gate is { } gate)
        {
            Gate = null;
            MergeStarted.TrySetResult();
            await gate.Task;
        }
        Assert.Equal(states.Count, states.Select(s => s.Key).Distinct().Count());
        foreach (var state in states)
        {
            _states.AddOrUpdate(state.Key, state, (_, stored) => stored.Merge(state, completionThreshold));
        }
        Interlocked.Increment(ref _merges);
    }

    public Task<IReadOnlyList<LessonProgress>> ListByUserAsync(Guid userId, IReadOnlyCollection<string>? courseIds, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<LessonProgress>>([.. _states.Values.Where(s => s.UserId == userId)]);

    public Task<(IReadOnlyList<LessonProgress> Items, int Total)> HistoryAsync(Guid userId, int skip, int take, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<IReadOnlyList<LessonProgress>> ListByCourseAsync(string courseId, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<IReadOnlyList<ActivityDay>> ActivityAsync(string courseId, DateOnly from, CancellationToken cancellationToken) =>
        throw new NotSupportedException();
}
