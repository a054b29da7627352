namespace LearnStream.Api.Features.Progress;

/// <summary>A day on which a learner watched something of a course (UTC days).</summary>
public sealed record ActivityDay(string CourseId, Guid UserId, DateOnly Day);

/// <summary>
/// Where learner progress lives: MongoDB (<c>MongoProgressStore</c>) or the relational database
/// (<c>RelationalProgressStore</c>), chosen by <c>Content:Store</c> like the catalog. Both pass the same
/// contract tests. Writes come in batches from the write-behind buffer, never one per beat.
/// </summary>
public interface IProgressStore
{
    Task<LessonProgress?> FindAsync(Guid userId, string lessonId, CancellationToken cancellationToken);

    /// <summary>
    /// Merges each state into the stored one with <see cref="LessonProgress.Merge"/> (creating it when
    /// missing) and records the activity days of each state's first and last watched times. Idempotent:
    /// a retried or repeated batch changes nothing more, and two nodes may merge the same learner and
    /// lesson at once (optimistic concurrency, retried). States in one call have distinct keys.
    /// </summary>
    Task MergeAsync(IReadOnlyCollection<LessonProgress> states, double completionThreshold, CancellationToken cancellationToken);

    /// <summary>The learner's progress in every lesson they touched, or only in the given courses.</summary>
    Task<IReadOnlyList<LessonProgress>> ListByUserAsync(Guid userId, IReadOnlyCollection<string>? courseIds, CancellationToken cancellationToken);

    /// <summary>The learner's lessons, most recently watched first (then by lesson id).</summary>
    Task<(IReadOnlyList<LessonProgress> Items, int Total)> HistoryAsync(Guid userId, int skip, int take, CancellationToken cancellationToken);

    /// <summary>Every learner's progress in the course's lessons (for analytics: one row per learner and lesson, whatever the number of beats).</summary>
    Task<IReadOnlyList<LessonProgress>> ListByCourseAsync(string courseId, CancellationToken cancellationToken);

    /// <summary>Activity days of the course from <paramref name="from"/> on.</summary>
    Task<IReadOnlyList<ActivityDay>> ActivityAsync(string courseId, DateOnly from, CancellationToken cancellationToken);
}
