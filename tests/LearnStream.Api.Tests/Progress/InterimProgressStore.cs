using System.Collections.Concurrent;
using LearnStream.Api.Features.Progress;

namespace LearnStream.Api.Tests.Progress;

// Stands in for RelationalProgressStore until it is on main; removed then.
public sealed class InterimProgressStore : IProgressStore
{
    private readonly ConcurrentDictionary<string, LessonProgress> _states = new(StringComparer.Ordinal);

    public Task<LessonProgress?> FindAsync(Guid userId, string lessonId, CancellationToken cancellationToken) =>
        Task.FromResult(_states.TryGetValue(LessonProgress.KeyOf(userId, lessonId), out var s) ? s : null);

    public Task MergeAsync(IReadOnlyCollection<LessonProgress> states, double completionThreshold, CancellationToken cancellationToken)
    {
        foreach (var state in states)
        {
            _states.AddOrUpdate(state.Key, state, (_, stored) => stored.Merge(state, completionThreshold));
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<LessonProgress>> ListByUserAsync(Guid userId, IReadOnlyCollection<string>? courseIds, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<LessonProgress>>([.. _states.Values.Where(s => s.UserId == userId)]);

    public Task<(IReadOnlyList<LessonProgress> Items, int Total)> HistoryAsync(Guid userId, int skip, int take, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<LessonProgress>> ListByCourseAsync(string courseId, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<ActivityDay>> ActivityAsync(string courseId, DateOnly from, CancellationToken cancellationToken) => throw new NotSupportedException();
}
