using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace LearnStream.Api.Features.Catalog;

// Storage types, not the domain: element names are fixed here so renaming a C# property never
// renames a field in stored documents. Extra elements are ignored so a node still on the previous
// release reads documents that a newer node wrote during a rolling deploy.

/// <summary>A course as one MongoDB document, its outline embedded: the aggregate is read and written whole.</summary>
[BsonIgnoreExtraElements]
public sealed class CourseDocument
{
    [BsonId]
    public required string Id { get; set; }

    [BsonElement("slug")]
    public required string Slug { get; set; }

    [BsonElement("title")]
    public required string Title { get; set; }

    [BsonElement("subtitle")]
    public string? Subtitle { get; set; }

    [BsonElement("description")]
    public string? Description { get; set; }

    [BsonElement("tags")]
    public List<string> Tags { get; set; } = [];

    [BsonElement("level")]
    public string? Level { get; set; }

    [BsonElement("language")]
    public string? Language { get; set; }

    [BsonElement("price")]
    public PriceDocument? Price { get; set; }

    [BsonElement("status")]
    [BsonRepresentation(BsonType.String)]
    public CourseStatus Status { get; set; }

    [BsonElement("instructorIds")]
    public List<string> InstructorIds { get; set; } = [];

    [BsonElement("coverImageUrl")]
    public string? CoverImageUrl { get; set; }

    [BsonElement("accessDays")]
    [BsonIgnoreIfNull]
    public int? AccessDays { get; set; }

    [BsonElement("createdAt")]
    [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
    public DateTime CreatedAt { get; set; }

    [BsonElement("updatedAt")]
    [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
    public DateTime UpdatedAt { get; set; }

    [BsonElement("publishedAt")]
    [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
    public DateTime? PublishedAt { get; set; }

    [BsonElement("v")]
    public long Version { get; set; }

    /// <summary>Left out of list reads by projection; then it deserializes as empty.</summary>
    [BsonElement("sections")]
    public List<SectionDocument> Sections { get; set; } = [];

    public static CourseDocument From(Course course) => new()
    {
        Id = course.Id,
        Slug = course.Slug,
        Title = course.Title,
        Subtitle = course.Subtitle,
        Description = course.Description,
        Tags = [.. course.Tags],
        Level = course.Level,
        Language = course.Language,
        Price = course.Price is { } price ? new PriceDocument { Amount = price.Amount, Currency = price.Currency } : null,
        Status = course.Status,
        InstructorIds = [.. course.InstructorIds],
        CoverImageUrl = course.CoverImageUrl,
        AccessDays = course.AccessDays,
        CreatedAt = course.CreatedAt.UtcDateTime,
        UpdatedAt = course.UpdatedAt.UtcDateTime,
        PublishedAt = course.PublishedAt?.UtcDateTime,
        Version = course.Version,
        Sections = [.. course.Sections.Select(SectionDocument.From)],
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
        Price = Price is null ? null : new Price(Price.Amount, Price.Currency),
        Status = Status,
        InstructorIds = [.. InstructorIds],
        CoverImageUrl = CoverImageUrl,
        AccessDays = AccessDays,
        CreatedAt = Utc(CreatedAt),
        UpdatedAt = Utc(UpdatedAt),
        PublishedAt = PublishedAt is { } published ? Utc(published) : null,
        Version = Version,
        Sections = [.. Sections.Select(s => s.ToSection())],
    };

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}

public sealed class PriceDocument
{
    [BsonElement("amount")]
    public long Amount { get; set; }

    [BsonElement("currency")]
    public required string Currency { get; set; }
}

// Without BsonNoId the driver's convention would take the Id property as the document id and write it as "_id".
[BsonNoId]
[BsonIgnoreExtraElements]
public sealed class SectionDocument
{
    [BsonElement("id")]
    public required string Id { get; set; }

    [BsonElement("title")]
    public required string Title { get; set; }

    [BsonElement("lessons")]
    public List<LessonDocument> Lessons { get; set; } = [];

    public static SectionDocument From(Section section) => new()
    {
        Id = section.Id,
        Title = section.Title,
        Lessons = [.. section.Lessons.Select(LessonDocument.From)],
    };

    public Section ToSection() => new()
    {
        Id = Id,
        Title = Title,
        Lessons = [.. Lessons.Select(l => l.ToLesson())],
    };
}

[BsonNoId]
[BsonIgnoreExtraElements]
public sealed class LessonDocument
{
    [BsonElement("id")]
    public required string Id { get; set; }

    [BsonElement("title")]
    public required string Title { get; set; }

    [BsonElement("kind")]
    [BsonRepresentation(BsonType.String)]
    public LessonKind Kind { get; set; }

    [BsonElement("description")]
    public string? Description { get; set; }

    [BsonElement("body")]
    public string? Body { get; set; }

    [BsonElement("isPreview")]
    public bool IsPreview { get; set; }

    public static LessonDocument From(Lesson lesson) => new()
    {
        Id = lesson.Id,
        Title = lesson.Title,
        Kind = lesson.Kind,
        Description = lesson.Description,
        Body = lesson.Body,
        IsPreview = lesson.IsPreview,
    };

    public Lesson ToLesson() => new()
    {
        Id = Id,
        Title = Title,
        Kind = Kind,
        Description = Description,
        Body = Body,
        IsPreview = IsPreview,
    };
}
