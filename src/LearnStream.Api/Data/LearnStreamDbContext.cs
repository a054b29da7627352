using LearnStream.Api.Features.Auth;
using LearnStream.Api.Features.Catalog;
using LearnStream.Api.Features.Enrollment;
using LearnStream.Api.Features.Payments;
using LearnStream.Api.Features.Progress;
using LearnStream.Api.Features.Users;
using LearnStream.Api.Features.Video;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace LearnStream.Api.Data;

/// <summary>
/// The consistency-first store: users, sessions, enrollments and payments. One model, two providers;
/// each provider has its own derived context so each keeps its own migrations.
/// </summary>
public abstract class LearnStreamDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();
    public DbSet<AuthSession> Sessions => Set<AuthSession>();
    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();
    public DbSet<CourseRecord> Courses => Set<CourseRecord>();
    public DbSet<CourseLessonRecord> CourseLessons => Set<CourseLessonRecord>();
    public DbSet<CourseEnrollment> Enrollments => Set<CourseEnrollment>();
    public DbSet<Order> Orders => Set<Order>();
    public DbSet<PaymentEvent> PaymentEvents => Set<PaymentEvent>();
    public DbSet<LessonVideo> LessonVideos => Set<LessonVideo>();
    public DbSet<VideoEvent> VideoEvents => Set<VideoEvent>();
    public DbSet<ProgressRecord> LessonProgress => Set<ProgressRecord>();
    public DbSet<LearnerActivityRecord> LearnerActivity => Set<LearnerActivityRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(LearnStreamDbContext).Assembly);
}

public sealed class PostgresDbContext(DbContextOptions<PostgresDbContext> options) : LearnStreamDbContext(options);

public sealed class SqliteDbContext(DbContextOptions<SqliteDbContext> options) : LearnStreamDbContext(options)
{
    // SQLite has no timestamp type; as 64-bit integers, times compare and sort correctly in SQL.
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}
