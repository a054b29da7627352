using LearnStream.Api.Common;
using LearnStream.Api.Data;
using LearnStream.Api.Features.Catalog;
using LearnStream.Api.Features.Enrollment;
using LearnStream.Api.Features.Progress;
using LearnStream.Api.Features.Video;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ZiggyCreatures.Caching.Fusion;

namespace LearnStream.Api.Features.Analytics;

/// <summary>
/// Loads a course's analytics with bounded aggregation: one read of its progress rows (one per learner
/// and lesson), one of its activity days of the last 30 days (one per learner and day), one COUNT of its
/// enrollments and one read of its lessons' video lengths. None of these grows with the number of beats
/// ever received. The answer is cached per course (and outline version) in the app's two-level cache for
/// <see cref="ProgressOptions.AnalyticsCacheSeconds"/>, so figures lag the beats by at most that time
/// plus <see cref="ProgressOptions.FlushIntervalMilliseconds"/> (beats reach the store in flushes).
/// </summary>
public sealed class AnalyticsService(IFusionCache cache, IServiceScopeFactory scopes, IOptions<ProgressOptions> options, TimeProvider time)
{
    public async Task<CourseAnalyticsReport> GetAsync(Course course, CancellationToken cancellationToken)
    {
        var seconds = options.Value.AnalyticsCacheSeconds;
        if (seconds == 0)
        {
            return await ComputeAsync(course, cancellationToken);
        }
        // The version is in the key: a changed outline (lessons added, renamed, moved) gets a new entry at once.
        return await cache.GetOrSetAsync<CourseAnalyticsReport>(
            $"analytics:{course.Id}:{course.Version}",
            async (ctx, ct) => CacheEntries.Sized(ctx, await ComputeAsync(course, ct)),
            cache.CreateEntryOptions(duration: TimeSpan.FromSeconds(seconds)),
            token: cancellationToken);
    }

    private async Task<CourseAnalyticsReport> ComputeAsync(Course course, CancellationToken ct)
    {
        // Its own scope: the cache may share one computation between concurrent requests.
        await using var scope = scopes.CreateAsyncScope();
        var progress = scope.ServiceProvider.GetRequiredService<IProgressStore>();
        var db = scope.ServiceProvider.GetRequiredService<LearnStreamDbContext>();
        var now = time.GetUtcNow();
        var firstDay = DateOnly.FromDateTime(now.UtcDateTime).AddDays(-(CourseAnalyticsCalculator.WindowDays - 1));

        var rows = await progress.ListByCourseAsync(course.Id, ct);
        var activity = await progress.ActivityAsync(course.Id, firstDay, ct);
        var enrollments = await db.Enrollments.AsNoTracking()
            .CountAsync(e => e.CourseId == course.Id && e.Status == EnrollmentStatus.Active && (e.ExpiresAt == null || e.ExpiresAt > now), ct);
        var durations = await db.LessonVideos.AsNoTracking()
            .Where(v => v.CourseId == course.Id && v.Status == VideoStatus.Ready && v.Duration != null)
            .Select(v => new { v.LessonId, v.Duration })
            .ToDictionaryAsync(v => v.LessonId, v => v.Duration!.Value, StringComparer.Ordinal, ct);

        return CourseAnalyticsCalculator.Compute(new AnalyticsInput(course, rows, activity, durations, enrollments, now));
    }
}
