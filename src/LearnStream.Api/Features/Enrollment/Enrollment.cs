using LearnStream.Api.Features.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LearnStream.Api.Features.Enrollment;

public enum EnrollmentStatus
{
    Active,
    Expired,
    Revoked,
    Refunded,
}

/// <summary>
/// A learner's right to a course. One row per (user, course), enforced by a unique index, so
/// concurrent enrolls cannot double up. Expiry is a date, not a job: an active row past
/// <see cref="ExpiresAt"/> reads as expired.
/// </summary>
public sealed class CourseEnrollment
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public required string CourseId { get; set; }
    public EnrollmentStatus Status { get; set; }
    public DateTimeOffset EnrolledAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public EnrollmentStatus StatusAt(DateTimeOffset now) =>
        Status == EnrollmentStatus.Active && ExpiresAt <= now ? EnrollmentStatus.Expired : Status;
}

public sealed class CourseEnrollmentConfiguration : IEntityTypeConfiguration<CourseEnrollment>
{
    public void Configure(EntityTypeBuilder<CourseEnrollment> builder)
    {
        builder.ToTable("enrollments");
        builder.HasKey(e => e.Id);
        builder.HasOne<User>().WithMany().HasForeignKey(e => e.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(e => e.CourseId).HasMaxLength(36);
        builder.Property(e => e.Status).HasConversion<string>().HasMaxLength(20);
        builder.HasIndex(e => new { e.UserId, e.CourseId }).IsUnique();
        builder.HasIndex(e => new { e.CourseId, e.EnrolledAt });
    }
}
