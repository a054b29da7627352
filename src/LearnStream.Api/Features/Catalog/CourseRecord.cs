using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LearnStream.Api.Features.Catalog;

/// <summary>The relational row of a course. Sections and lessons travel together, so they are one JSON column.</summary>
public sealed class CourseRecord
{
    public required string Id { get; set; }
    public required string Slug { get; set; }
    public required string Title { get; set; }
    public string? Subtitle { get; set; }
    public string? Description { get; set; }
    public List<string> Tags { get; set; } = [];
    public string? Level { get; set; }
    public string? Language { get; set; }
    public long? PriceAmount { get; set; }
    public string? PriceCurrency { get; set; }
    public required string Status { get; set; }
    public List<string> InstructorIds { get; set; } = [];
    public string? CoverImageUrl { get; set; }
    public int? AccessDays { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }
    public long Version { get; set; }
    public required string Outline { get; set; }

    public static CourseRecord From(Course c) => new()
    {
        Id = c.Id,
        Slug = c.Slug,
        Title = c.Title,
        Subtitle = c.Subtitle,
        Description = c.Description,
        Tags = [.. c.Tags],
        Level = c.Level,
        Language = c.Language,
        PriceAmount = c.Price?.Amount,
        PriceCurrency = c.Price?.Currency,
        Status = c.Status.ToString(),
        InstructorIds = [.. c.InstructorIds],
        CoverImageUrl = c.CoverImageUrl,
        AccessDays = c.AccessDays,
        CreatedAt = c.CreatedAt,
        UpdatedAt = c.UpdatedAt,
        PublishedAt = c.PublishedAt,
        Version = c.Version,
        Outline = JsonSerializer.Serialize(c.Sections, RelationalCourseStore.OutlineJson),
    };

    public Course ToCourse() => new()
    {
        Id = Id,
        Slug = Slug,
        Title = Title,
        Subtitle = Subtitle,
        Description = Description,
        Tags = [.. Tags],
        Level = Level,
        Language = Language,
        Price = PriceCurrency is null ? null : new Price(PriceAmount ?? 0, PriceCurrency),
        Status = Enum.Parse<CourseStatus>(Status),
        InstructorIds = [.. InstructorIds],
        CoverImageUrl = CoverImageUrl,
        AccessDays = AccessDays,
        CreatedAt = CreatedAt,
        UpdatedAt = UpdatedAt,
        PublishedAt = PublishedAt,
        Version = Version,
        Sections = JsonSerializer.Deserialize<List<Section>>(Outline, RelationalCourseStore.OutlineJson) ?? [],
    };
}

/// <summary>Finds the course of a lesson without reading every outline.</summary>
public sealed class CourseLessonRecord
{
    public required string LessonId { get; set; }
    public required string CourseId { get; set; }
}

public sealed class CourseRecordConfiguration : IEntityTypeConfiguration<CourseRecord>
{
    public void Configure(EntityTypeBuilder<CourseRecord> builder)
    {
        builder.ToTable("courses");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).HasMaxLength(36);
        builder.Property(c => c.Slug).HasMaxLength(CatalogLimits.SlugLength);
        builder.HasIndex(c => c.Slug).IsUnique();
        builder.Property(c => c.Title).HasMaxLength(CatalogLimits.TitleLength);
        builder.Property(c => c.Subtitle).HasMaxLength(CatalogLimits.SubtitleLength);
        builder.Property(c => c.Level).HasMaxLength(20);
        builder.Property(c => c.Language).HasMaxLength(20);
        builder.Property(c => c.PriceCurrency).HasMaxLength(3);
        builder.Property(c => c.Status).HasMaxLength(20);
        builder.Property(c => c.CoverImageUrl).HasMaxLength(CatalogLimits.UrlLength);
        builder.HasIndex(c => new { c.Status, c.CreatedAt });
    }
}

public sealed class CourseLessonRecordConfiguration : IEntityTypeConfiguration<CourseLessonRecord>
{
    public void Configure(EntityTypeBuilder<CourseLessonRecord> builder)
    {
        builder.ToTable("course_lessons");
        builder.HasKey(l => l.LessonId);
        builder.Property(l => l.LessonId).HasMaxLength(36);
        builder.Property(l => l.CourseId).HasMaxLength(36);
        builder.HasIndex(l => l.CourseId);
    }
}

public static class CatalogLimits
{
    public const int TitleLength = 200;
    public const int SubtitleLength = 300;
    public const int DescriptionLength = 20_000;
    public const int SlugLength = 100;
    public const int MaxTags = 20;
    public const int MaxAccessDays = 3650;
    public const int TagLength = 40;
    public const int UrlLength = 2048;
    public const int BodyLength = 100_000;
}
