using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LearnStream.Api.Features.Users;

public sealed class User
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string Email { get; set; }

    /// <summary>Upper-cased email: the unique key, so addresses differing only in case collide.</summary>
    public required string NormalizedEmail { get; set; }

    /// <summary>Self-describing hash (<see cref="Auth.PasswordHasher"/>), never the password.</summary>
    public required string PasswordHash { get; set; }
    public required string Role { get; set; }
    public bool Disabled { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public static string Normalize(string email) => email.Trim().ToUpperInvariant();
}

public static class Roles
{
    public const string Admin = "admin";
    public const string Instructor = "instructor";
    public const string Student = "student";

    public static readonly IReadOnlyList<string> All = [Admin, Instructor, Student];

    public static bool IsKnown(string? role) => role is Admin or Instructor or Student;
}

public sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> builder)
    {
        builder.ToTable("users");
        builder.HasKey(u => u.Id);
        builder.Property(u => u.Name).HasMaxLength(UserLimits.NameLength).IsRequired();
        builder.Property(u => u.Email).HasMaxLength(UserLimits.EmailLength).IsRequired();
        builder.Property(u => u.NormalizedEmail).HasMaxLength(UserLimits.EmailLength).IsRequired();
        builder.HasIndex(u => u.NormalizedEmail).IsUnique();
        builder.Property(u => u.PasswordHash).HasMaxLength(256).IsRequired();
        builder.Property(u => u.Role).HasMaxLength(20).IsRequired();
        builder.HasIndex(u => u.Role);
    }
}

public static class UserLimits
{
    public const int NameLength = 100;
    public const int EmailLength = 254;
}
