using System.Security.Claims;
using LearnStream.Api.Common;
using LearnStream.Api.Data;
using LearnStream.Api.Features.Catalog;
using LearnStream.Api.Features.Enrollment;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;

namespace LearnStream.Api.Features.Progress;

/// <summary>
/// A learner's own progress, read back. Each read first flushes that learner's buffered beats, so it
/// shows everything the learner was told was accepted, and then asks the progress store once, however
/// many courses or lessons it covers.
/// </summary>
public sealed class ProgressReader(IProgressStore store, IProgressBuffer buffer, ICourseStore courses, LearnStreamDbContext db, TimeProvider time,
    ILogger<ProgressReader> logger)
{
    public async Task<CourseProgress> ForCourseAsync(Guid userId, Course course, CancellationToken ct) =>
        (await ForCoursesAsync(userId, [course], ct))[course.Id];

    /// <summary>Progress in each of the courses (given with their sections), by course id: one flush and one store query.</summary>
    public async Task<IReadOnlyDictionary<string, CourseProgress>> ForCoursesAsync(Guid userId, IReadOnlyCollection<Course> outlines, CancellationToken ct)
    {
        if (outlines.Count == 0)
        {
            return new Dictionary<string, CourseProgress>();
        }
        await FlushBeforeReadAsync(userId, ct);
        var states = await store.ListByUserAsync(userId, [.. outlines.Select(c => c.Id)], ct);
        var byLesson = states.ToDictionary(s => s.LessonId, StringComparer.Ordinal);
        return outlines.ToDictionary(c => c.Id, c => CourseProgress.Of(c, byLesson), StringComparer.Ordinal);
    }

    /// <summary>
    /// One row per course the learner is actively enrolled in, the most recently watched first (then the
    /// latest enrolled): one enrollment query, one course read and one progress query in all.
    /// </summary>
    public async Task<List<MyCourseProgress>> MineAsync(Guid userId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var enrollments = (await db.Enrollments.AsNoTracking()
            .Where(e => e.UserId == userId && e.Status == EnrollmentStatus.Active)
            .Select(e => new { e.CourseId, e.EnrolledAt, e.ExpiresAt })
            .ToListAsync(ct))
            .Where(e => e.ExpiresAt is null || e.ExpiresAt > now)
            .ToList();
        var outlines = await courses.GetManyAsync([.. enrollments.Select(e => e.CourseId)], ct, includeSections: true);
        var progress = await ForCoursesAsync(userId, [.. outlines.Values], ct);
        return [.. enrollments
            .Where(e => outlines.ContainsKey(e.CourseId))
            .Select(e => (e.EnrolledAt, Row: ToRow(outlines[e.CourseId], progress[e.CourseId])))
            .OrderByDescending(r => r.Row.LastWatchedAt ?? DateTimeOffset.MinValue)
            .ThenByDescending(r => r.EnrolledAt)
            .Select(r => r.Row)];
    }

    /// <summary>
    /// A page of the lessons the learner watched, newest first. Lessons deleted since stay listed with
    /// null titles: skipping them would make pages shorter than their size and the total wrong.
    /// </summary>
    public async Task<Paged<HistoryItem>> HistoryAsync(Guid userId, int page, int pageSize, CancellationToken ct)
    {
        await FlushBeforeReadAsync(userId, ct);
        var (items, total) = await store.HistoryAsync(userId, (page - 1) * pageSize, pageSize, ct);
        var outlines = items.Count == 0
            ? new Dictionary<string, Course>()
            : await courses.GetManyAsync([.. items.Select(s => s.CourseId).Distinct()], ct, includeSections: true);
        return new Paged<HistoryItem>([.. items.Select(s =>
        {
            var course = outlines.GetValueOrDefault(s.CourseId);
            return new HistoryItem(s.LessonId, s.CourseId, course?.FindLesson(s.LessonId)?.Title, course?.Title,
                s.Position, s.Percent, s.Completed, s.LastWatchedAt);
        })], page, pageSize, total);
    }

    /// <summary>Where the learner's player should start the lesson: 0 for anonymous viewers and lessons not yet watched.</summary>
    public async Task<double> ResumePositionAsync(ClaimsPrincipal user, string lessonId, CancellationToken ct)
    {
        if (user.Identity?.IsAuthenticated != true)
        {
            return 0;
        }
        var userId = user.UserId();
        var state = await buffer.PeekAsync(userId, lessonId, ct) ?? await store.FindAsync(userId, lessonId, ct);
        return state?.Position ?? 0;
    }

    private static MyCourseProgress ToRow(Course course, CourseProgress p) => new(
        course.Id, course.Title, course.Slug, p.Percent, p.CompletedLessons, p.TotalLessons, p.NextLessonId, p.CompletedAt, p.LastWatchedAt);

    /// <summary>
    /// Progress is on the availability side: with Redis away, a read answers from the store (missing at
    /// most the beats of the last flush interval) instead of failing. A failing store fails the read anyway.
    /// </summary>
    private async Task FlushBeforeReadAsync(Guid userId, CancellationToken ct)
    {
        try
        {
            await buffer.FlushAsync(store, userId, ct);
        }
        catch (Exception e) when (e is RedisException or RedisTimeoutException)
        {
            logger.LogWarning("Reading progress without flushing the buffer first: Redis failed ({Error}).", e.GetType().Name);
        }
    }
}
