using LearnStream.Api.Features.Progress;

namespace LearnStream.Api.Tests.Progress;

/// <summary>
/// Wraps a real progress store: counts reads and writes, fails the next few merges, or holds one merge
/// until released, so a flush can be observed failing or in flight.
/// </summary>
public sealed class FlakyProgressStore(IProgressStore inner) : IProgressStore
{
    private int _finds;
    private int _merges;
    private int _failuresToCome;
    private readonly List<string[]> _batches = [];

    public int Finds => _finds;

    /// <summary>Merges that reached the inner store.</summary>
    public int Merges => _merges;

    /// <summary>The lesson ids of each merge that reached the inner store, in order.</summary>
    public IReadOnlyList<string[]> Batches
    {
        get
        {
            lock (_batches)
            {
                return [.. _batches];
            }
        }
    }

    /// <summary>The next this many merges throw before touching the inner store.</summary>
    public int FailuresToCome { get => _failuresToCome; set => _failuresToCome = value; }

    /// <summary>When set, the next merge signals <see cref="MergeStarted"/> and waits for it before writing.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public TaskCompletionSource MergeStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<LessonProgress?> FindAsync(Guid userId, string lessonId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _finds);
        return inner.FindAsync(userId, lessonId, cancellationToken);
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
        await inner.MergeAsync(states, completionThreshold, cancellationToken);
        Interlocked.Increment(ref _merges);
        lock (_batches)
        {
            _batches.Add([.. states.Select(s => s.LessonId)]);
        }
    }

    public Task<IReadOnlyList<LessonProgress>> ListByUserAsync(Guid userId, IReadOnlyCollection<string>? courseIds, CancellationToken cancellationToken) =>
        inner.ListByUserAsync(userId, courseIds, cancellationToken);

    public Task<(IReadOnlyList<LessonProgress> Items, int Total)> HistoryAsync(Guid userId, int skip, int take, CancellationToken cancellationToken) =>
        inner.HistoryAsync(userId, skip, take, cancellationToken);

    public Task<IReadOnlyList<LessonProgress>> ListByCourseAsync(string courseId, CancellationToken cancellationToken) =>
        inner.ListByCourseAsync(courseId, cancellationToken);

    public Task<IReadOnlyList<ActivityDay>> ActivityAsync(string courseId, DateOnly from, CancellationToken cancellationToken) =>
        inner.ActivityAsync(courseId, from, cancellationToken);
}
