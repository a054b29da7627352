using System.Security.Claims;
using LearnStream.Api.Common;
using LearnStream.Api.Data;
using LearnStream.Api.Features.Catalog;
using Microsoft.EntityFrameworkCore;
using ZiggyCreatures.Caching.Fusion;

namespace LearnStream.Api.Features.Enrollment;

/// <summary>What the cache keeps of one learner's enrollment in one course.</summary>
public sealed record EnrollmentState(EnrollmentStatus Status, DateTimeOffset? ExpiresAt);

/// <summary>
/// The one place that answers "may this user watch this course?": its instructors and admins may; a
/// preview lesson of a published course is open to all; otherwise it takes an active, unexpired
/// enrollment. Enrollment states are cached per user and course in the two-level cache, and every
/// change removes the entry on all nodes through the backplane. Expiry is checked against the cached
/// date at each call, so no job has to run for access to end.
/// </summary>
public sealed class CourseAccessService(IFusionCache cache, IServiceScopeFactory scopes, TimeProvider time)
{
    // From the cache's defaults, which give every entry its size (CacheEntries): the memory level has a size limit.
    private readonly FusionCacheEntryOptions _entry = cache.CreateEntryOptions(duration: TimeSpan.FromMinutes(10));

    public async Task<bool> MayWatchAsync(ClaimsPrincipal user, Course course, Lesson? lesson, CancellationToken cancellationToken)
    {
        if (CourseAccess.CanEdit(course, user))
        {
            return true;
        }
        if (course.Status == CourseStatus.Published && lesson is { IsPreview: true })
        {
            return true;
        }
        if (user.Identity?.IsAuthenticated != true)
        {
            return false;
        }
        var state = await GetStateAsync(user.UserId(), course.Id, cancellationToken);
        return state is not null && state.Status == EnrollmentStatus.Active && (state.ExpiresAt is null || state.ExpiresAt > time.GetUtcNow());
    }

    public async Task<EnrollmentState?> GetStateAsync(Guid userId, string courseId, CancellationToken cancellationToken) =>
        await cache.GetOrSetAsync<EnrollmentState?>(Key(userId, courseId), async (_, ct) =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<LearnStreamDbContext>();
            return await db.Enrollments.AsNoTracking()
                .Where(e => e.UserId == userId && e.CourseId == courseId)
                .Select(e => new EnrollmentState(e.Status, e.ExpiresAt))
                .SingleOrDefaultAsync(ct);
        }, _entry, token: cancellationToken);

    /// <summary>
    /// Call after every committed change of the enrollment. The entry is removed at once and again a
    /// moment later: a read that loaded the old row just before the commit may put it back in between,
    /// and the second removal bounds that stale answer to a second instead of the entry's lifetime.
    /// </summary>
    public async Task ForgetAsync(Guid userId, string courseId, CancellationToken cancellationToken)
    {
        var key = Key(userId, courseId);
        await cache.RemoveAsync(key, token: cancellationToken);
        _ = ForgetAgainAsync(key);
    }

    private async Task ForgetAgainAsync(string key)
    {
        try
        {
            await Task.Delay(SecondRemoval, time);
            await cache.RemoveAsync(key);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Best effort: the entry still expires after its duration.
        }
    }

    private static readonly TimeSpan SecondRemoval = TimeSpan.FromSeconds(1);

    private static string Key(Guid userId, string courseId) => $"enrollment:{userId:N}:{courseId}";
}
