using LearnStream.Api.Features.Catalog;

namespace LearnStream.Api.Features.Progress;

/// <summary>
/// A learner's progress through one course, over the course's current lessons in outline order:
/// progress kept for lessons deleted since counts for nothing. Pure, so GET /courses/{id}/progress,
/// GET /me/progress and the enrollment list compute it the same way.
/// </summary>
public sealed record CourseProgress(
    string CourseId, double Percent, int CompletedLessons, int TotalLessons, string? NextLessonId, DateTimeOffset? CompletedAt,
    DateTimeOffset? LastWatchedAt, IReadOnlyList<LessonProgressItem> Lessons)
{
    /// <param name="course">With its sections.</param>
    /// <param name="byLesson">The learner's states by lesson id (lesson ids are unique across courses); others are ignored.</param>
    public static CourseProgress Of(Course course, IReadOnlyDictionary<string, LessonProgress> byLesson)
    {
        var lessons = course.Lessons.ToList();
        var states = lessons.Select(l => byLesson.GetValueOrDefault(l.Id)).ToList();
        var completed = states.Count(s => s is { Completed: true });
        var total = lessons.Count;
        var lastWatched = states.OfType<LessonProgress>().Select(s => (DateTimeOffset?)s.LastWatchedAt).Max();
        return new CourseProgress(
            course.Id,
            total == 0 ? 0 : Math.Round(completed * 100.0 / total, 1),
            completed,
            total,
            NextLesson(lessons, states),
            total > 0 && completed == total ? states.Max(s => s!.CompletedAt) : null,
            lastWatched,
            [.. lessons.Select((l, i) => new LessonProgressItem(l.Id, states[i]?.Percent ?? 0, states[i]?.Completed ?? false, states[i]?.Position ?? 0))]);
    }

    /// <summary>
    /// Where to go on: the lesson watched last while it is unfinished; once it is finished, the first
    /// unfinished lesson after it, or else the first unfinished lesson of the course.
    /// </summary>
    private static string? NextLesson(List<Lesson> lessons, List<LessonProgress?> states)
    {
        var last = -1;
        for (var i = 0; i < states.Count; i++)
        {
            if (states[i] is { } state && (last < 0 || state.LastWatchedAt > states[last]!.LastWatchedAt))
            {
                last = i;
            }
        }
        if (last >= 0 && !states[last]!.Completed)
        {
            return lessons[last].Id;
        }
        var next = Enumerable.Range(last + 1, lessons.Count - last - 1).Concat(Enumerable.Range(0, last + 1))
            .FirstOrDefault(i => states[i] is not { Completed: true }, -1);
        return next >= 0 ? lessons[next].Id : null;
    }
}
