namespace LearnStream.Api.Features.Catalog;

public enum CourseStatus
{
    Draft,
    Published,
    Archived,
}

public enum LessonKind
{
    Video,
    Text,
}

/// <summary>A price in minor units of an ISO 4217 currency; an amount of 0 means free.</summary>
public sealed record Price(long Amount, string Currency);

/// <summary>
/// The course aggregate: the course with its ordered sections and lessons. It is read, changed in
/// memory and written back whole, guarded by <see cref="Version"/>, whichever store holds it.
/// </summary>
public sealed class Course
{
    public required string Id { get; init; }
    public required string Slug { get; set; }
    public required string Title { get; set; }
    public string? Subtitle { get; set; }
    public string? Description { get; set; }
    public List<string> Tags { get; set; } = [];
    public string? Level { get; set; }
    public string? Language { get; set; }
    public Price? Price { get; set; }
    public CourseStatus Status { get; set; }

    /// <summary>User ids of the instructors; the first is the owner.</summary>
    public List<string> InstructorIds { get; set; } = [];
    public string? CoverImageUrl { get; set; }

    /// <summary>How long an enrollment lasts, in days from enrolling or paying; null for lifetime access.</summary>
    public int? AccessDays { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }

    /// <summary>Incremented by every write; the ETag and the optimistic-concurrency guard.</summary>
    public long Version { get; set; }

    public List<Section> Sections { get; set; } = [];

    public bool IsFree => Price is null || Price.Amount == 0;

    public IEnumerable<Lesson> Lessons => Sections.SelectMany(s => s.Lessons);

    public bool IsInstructor(string userId) => InstructorIds.Contains(userId, StringComparer.Ordinal);

    public Lesson? FindLesson(string lessonId) => LocateLesson(lessonId) is var (section, index) ? Sections[section].Lessons[index] : null;

    /// <summary>Where a lesson is: its section's index and its index there. A plain scan; an iterator per call costs more than the search.</summary>
    public (int Section, int Index)? LocateLesson(string lessonId)
    {
        for (var s = 0; s < Sections.Count; s++)
        {
            var lessons = Sections[s].Lessons;
            for (var i = 0; i < lessons.Count; i++)
            {
                if (string.Equals(lessons[i].Id, lessonId, StringComparison.Ordinal))
                {
                    return (s, i);
                }
            }
        }
        return null;
    }

    public Section? FindSection(string sectionId) => Sections.FirstOrDefault(s => s.Id == sectionId);
}

public sealed class Section
{
    public required string Id { get; init; }
    public required string Title { get; set; }
    public List<Lesson> Lessons { get; set; } = [];
}

public sealed class Lesson
{
    public required string Id { get; init; }
    public required string Title { get; set; }
    public LessonKind Kind { get; set; }
    public string? Description { get; set; }

    /// <summary>Markdown body of a text lesson; never part of the public outline.</summary>
    public string? Body { get; set; }
    public bool IsPreview { get; set; }
}
