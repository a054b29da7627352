using LearnStream.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace LearnStream.Api.Features.Enrollment;

public enum EnrollOutcome
{
    Created,
    AlreadyEnrolled,
    Revoked,
}

/// <summary>
/// Every change to an enrollment: written with the unique (user, course) index as the referee of
/// races, then the cached access state is dropped on every node.
/// </summary>
public sealed class EnrollmentService(LearnStreamDbContext db, CourseAccessService access, TimeProvider time)
{
    public async Task<(CourseEnrollment? Enrollment, EnrollOutcome Outcome)> EnrollAsync(Guid userId, string courseId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var enrollment = new CourseEnrollment
        {
            Id = Guid.CreateVersion7(now), UserId = userId, CourseId = courseId,
            Status = EnrollmentStatus.Active, EnrolledAt = now, UpdatedAt = now,
        };
        db.Enrollments.Add(enrollment);
        try
        {
            await db.SaveChangesAsync(ct);
            await access.ForgetAsync(userId, courseId, ct);
            return (enrollment, EnrollOutcome.Created);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            db.ChangeTracker.Clear();
        }

        // A row exists. An ended (expired or refunded) one may start again; an active one or a revoked one may not.
        var restarted = await db.Enrollments
            .Where(e => e.UserId == userId && e.CourseId == courseId
                && (e.Status == EnrollmentStatus.Expired || e.Status == EnrollmentStatus.Refunded
                    || (e.Status == EnrollmentStatus.Active && e.ExpiresAt != null && e.ExpiresAt <= now)))
            .ExecuteUpdateAsync(s => s
                .SetProperty(e => e.Status, EnrollmentStatus.Active)
                .SetProperty(e => e.EnrolledAt, now)
                .SetProperty(e => e.ExpiresAt, (DateTimeOffset?)null)
                .SetProperty(e => e.UpdatedAt, now), ct);
        var existing = await Find(userId, courseId, ct);
        if (restarted == 1)
        {
            await access.ForgetAsync(userId, courseId, ct);
            return (existing, EnrollOutcome.Created);
        }
        return (existing, existing?.Status == EnrollmentStatus.Revoked ? EnrollOutcome.Revoked : EnrollOutcome.AlreadyEnrolled);
    }

    /// <summary>The learner leaves the course; a revoked enrollment stays, so the learner cannot simply come back.</summary>
    public async Task<bool> RemoveAsync(Guid userId, string courseId, CancellationToken ct)
    {
        var removed = await db.Enrollments
            .Where(e => e.UserId == userId && e.CourseId == courseId && e.Status != EnrollmentStatus.Revoked)
            .ExecuteDeleteAsync(ct);
        await access.ForgetAsync(userId, courseId, ct);
        return removed > 0;
    }

    /// <summary>An admin's grant: active from now, until <paramref name="expiresAt"/> if given; replaces any earlier state.</summary>
    public async Task<CourseEnrollment> GrantAsync(Guid userId, string courseId, DateTimeOffset? expiresAt, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        for (var attempt = 0; ; attempt++)
        {
            var updated = await db.Enrollments.Where(e => e.UserId == userId && e.CourseId == courseId)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(e => e.Status, EnrollmentStatus.Active)
                    .SetProperty(e => e.ExpiresAt, expiresAt)
                    .SetProperty(e => e.UpdatedAt, now), ct);
            if (updated == 0)
            {
                db.Enrollments.Add(new CourseEnrollment
                {
                    Id = Guid.CreateVersion7(now), UserId = userId, CourseId = courseId, Status = EnrollmentStatus.Active,
                    EnrolledAt = now, ExpiresAt = expiresAt, UpdatedAt = now,
                });
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateException e) when (e.IsUniqueViolation() && attempt == 0)
                {
                    db.ChangeTracker.Clear();
                    continue; // a concurrent enroll created the row; update it instead
                }
                db.ChangeTracker.Clear();
            }
            await access.ForgetAsync(userId, courseId, ct);
            return (await Find(userId, courseId, ct))!;
        }
    }

    public async Task<bool> RevokeAsync(Guid userId, string courseId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var revoked = await db.Enrollments.Where(e => e.UserId == userId && e.CourseId == courseId)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, EnrollmentStatus.Revoked).SetProperty(e => e.UpdatedAt, now), ct);
        await access.ForgetAsync(userId, courseId, ct);
        return revoked > 0;
    }

    /// <summary>
    /// A paid order opens the course: the learner's row becomes active with no end date, or is created.
    /// Runs inside the caller's transaction, so payment and access commit together; the caller
    /// forgets the cached state after the commit.
    /// </summary>
    public async Task ActivatePaidAsync(Guid userId, string courseId, DateTimeOffset now, CancellationToken ct)
    {
        var updated = await db.Enrollments.Where(e => e.UserId == userId && e.CourseId == courseId)
            .ExecuteUpdateAsync(s => s
                .SetProperty(e => e.Status, EnrollmentStatus.Active)
                .SetProperty(e => e.EnrolledAt, now)
                .SetProperty(e => e.ExpiresAt, (DateTimeOffset?)null)
                .SetProperty(e => e.UpdatedAt, now), ct);
        if (updated == 0)
        {
            db.Enrollments.Add(new CourseEnrollment
            {
                Id = Guid.CreateVersion7(now), UserId = userId, CourseId = courseId, Status = EnrollmentStatus.Active,
                EnrolledAt = now, UpdatedAt = now,
            });
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>A refunded order ends access at once. Runs inside the caller's transaction, like <see cref="ActivatePaidAsync"/>.</summary>
    public Task<int> EndByRefundAsync(Guid userId, string courseId, DateTimeOffset now, CancellationToken ct) =>
        db.Enrollments.Where(e => e.UserId == userId && e.CourseId == courseId && e.Status == EnrollmentStatus.Active)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, EnrollmentStatus.Refunded).SetProperty(e => e.UpdatedAt, now), ct);

    private Task<CourseEnrollment?> Find(Guid userId, string courseId, CancellationToken ct) =>
        db.Enrollments.AsNoTracking().SingleOrDefaultAsync(e => e.UserId == userId && e.CourseId == courseId, ct);
}
