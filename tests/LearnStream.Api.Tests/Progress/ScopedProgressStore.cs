using LearnStream.Api.Features.Progress;
using Microsoft.Extensions.DependencyInjection;

namespace LearnStream.Api.Tests.Progress;

/// <summary>
/// A store of the app's, built in a fresh scope for every call like the flusher and the endpoints do,
/// so concurrent calls (two nodes flushing at once) never share one DbContext.
/// </summary>
public sealed class ScopedProgressStore(IServiceProvider services, Func<IServiceProvider, IProgressStore> create) : IProgressStore
{
    private async Task<T> In<T>(Func<IProgressStore, Task<T>> call)
    {
        await using var scope = services.CreateAsyncScope();
        return await call(create(scope.ServiceProvider));
    }

    public Task<LessonProgress?> FindAsync(Guid userId, string lessonId, CancellationToken cancellationToken) =>
        In(s => s.FindAsync(userId, lessonId, cancellationToken));

    public Task MergeAsync(IReadOnlyCollection<LessonProgress> states, double completionThreshold, CancellationToken cancellationToken) =>
        In(async s =>
        {
            await s.MergeAsync(states, completionThreshold, cancellationToken);
            return true;
        });

    public Task<IReadOnlyList<LessonProgress>> ListByUserAsync(Guid userId, IReadOnlyCollection<string>? courseIds, CancellationToken cancellationToken) =>
        In(s => s.ListByUserAsync(userId, courseIds, cancellationToken));

    public Task<(IReadOnlyList<LessonProgress> Items, int Total)> HistoryAsync(Guid userId, int skip, int take, CancellationToken cancellationToken) =>
        In(s => s.HistoryAsync(userId, skip, take, cancellationToken));

    public Task<IReadOnlyList<LessonProgress>> ListByCourseAsync(string courseId, CancellationToken cancellationToken) =>
        In(s => s.ListByCourseAsync(courseId, cancellationToken));

    public Task<IReadOnlyList<ActivityDay>> ActivityAsync(string courseId, DateOnly from, CancellationToken cancellationToken) =>
        In(s => s.ActivityAsync(courseId, from, cancellationToken));
}
