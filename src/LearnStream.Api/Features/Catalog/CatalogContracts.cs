using System.Security.Claims;
using System.Text.Json.Serialization;
using LearnStream.Api.Common;
using LearnStream.Api.Features.Users;

namespace LearnStream.Api.Features.Catalog;

public sealed record PriceBody(long? Amount, string? Currency);

// Requests are allow-lists; kinds and levels arrive as strings so a wrong one gets a per-field message.
public sealed record CreateCourseRequest(
    string? Title, string? Slug, string? Subtitle, string? Description, List<string>? Tags,
    string? Level, string? Language, PriceBody? Price, string? CoverImageUrl, int? AccessDays = null);

// accessDays: 0 clears the limit (lifetime access); absent leaves it as it is.
public sealed record UpdateCourseRequest(
    string? Title, string? Slug, string? Subtitle, string? Description, List<string>? Tags,
    string? Level, string? Language, PriceBody? Price, string? CoverImageUrl, int? AccessDays = null);

public sealed record SectionRequest(string? Title);

public sealed record CreateLessonRequest(string? SectionId, string? Title, string? Kind, string? Description, string? Body, bool? IsPreview);

public sealed record UpdateLessonRequest(string? Title, string? Kind, string? Description, string? Body, bool? IsPreview);

public sealed record OutlineRequest(List<OutlineSection>? Sections);

public sealed record OutlineSection(string? Id, List<string>? LessonIds);

public sealed record InstructorRequest(string? UserId);

public sealed record LessonOutline(string Id, string Title, LessonKind Kind, string? Description, bool IsPreview);

public sealed record SectionResponse(string Id, string Title, IReadOnlyList<LessonOutline> Lessons);

public sealed record CourseResponse(
    string Id, string Slug, string Title, string? Subtitle, string? Description, string? DescriptionHtml,
    IReadOnlyList<string> Tags, string? Level, string? Language, Price? Price, bool IsFree, CourseStatus Status,
    string OwnerId, IReadOnlyList<string> InstructorIds, string? CoverImageUrl, DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt, DateTimeOffset? PublishedAt, long Version, int? AccessDays,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? LessonCount,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<SectionResponse>? Sections);

public sealed record LessonResponse(
    string Id, string CourseId, string SectionId, string Title, LessonKind Kind, string? Description, bool IsPreview, string? Body);

public static class CatalogMapping
{
    public static CourseResponse ToResponse(this Course c, bool withOutline) => new(
        c.Id, c.Slug, c.Title, c.Subtitle, c.Description, MarkdownRenderer.ToSafeHtml(c.Description),
        c.Tags, c.Level, c.Language, c.Price, c.IsFree, c.Status, c.InstructorIds.FirstOrDefault() ?? "",
        c.InstructorIds, c.CoverImageUrl, c.CreatedAt, c.UpdatedAt, c.PublishedAt, c.Version, c.AccessDays,
        withOutline ? c.Lessons.Count() : null,
        withOutline ? c.Sections.Select(ToResponse).ToList() : null);

    public static SectionResponse ToResponse(this Section s) =>
        new(s.Id, s.Title, s.Lessons.Select(l => new LessonOutline(l.Id, l.Title, l.Kind, l.Description, l.IsPreview)).ToList());

    public static LessonResponse ToResponse(this Lesson l, Course course, bool withBody) =>
        new(l.Id, course.Id, course.Sections.First(s => s.Lessons.Contains(l)).Id, l.Title, l.Kind, l.Description, l.IsPreview,
            withBody ? l.Body : null);

    public static string ETag(this Course c) => $"\"{c.Version}\"";
}

/// <summary>Who may see and who may change a course.</summary>
public static class CourseAccess
{
    public static bool IsAdmin(ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true && user.Role() == Roles.Admin;

    public static bool CanEdit(Course course, ClaimsPrincipal user) =>
        IsAdmin(user) || (user.Identity?.IsAuthenticated == true && course.IsInstructor(user.UserId().ToString()));

    /// <summary>Published courses are public; drafts and archived courses only to their instructors and admins.</summary>
    public static bool CanView(Course course, ClaimsPrincipal user) =>
        course.Status == CourseStatus.Published || CanEdit(course, user);
}
