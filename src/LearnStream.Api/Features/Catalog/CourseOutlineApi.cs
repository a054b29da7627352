using LearnStream.Api.Data;
using LearnStream.Api.Features.Enrollment;
using LearnStream.Api.Features.Users;
using LearnStream.Api.Features.Video;
using Microsoft.EntityFrameworkCore;

namespace LearnStream.Api.Features.Catalog;

/// <summary>Sections, lessons, their order and the course's instructors.</summary>
public static class CourseOutlineApi
{
    public static IEndpointRouteBuilder MapCourseOutlineEndpoints(this IEndpointRouteBuilder app)
    {
        var course = app.MapGroup("/api/v1/courses/{id}").WithTags("Catalog").RequireAuthorization();
        course.MapPost("/sections", AddSection).Produces<SectionResponse>(201);
        course.MapPatch("/sections/{sectionId}", RenameSection).Produces<SectionResponse>();
        course.MapDelete("/sections/{sectionId}", DeleteSection);
        course.MapPost("/lessons", AddLesson).Produces<LessonResponse>(201);
        course.MapPut("/outline", Reorder).Produces<CourseResponse>();
        course.MapPost("/instructors", AddInstructor).Produces<CourseResponse>();
        course.MapDelete("/instructors/{userId}", RemoveInstructor);

        var lessons = app.MapGroup("/api/v1/lessons/{lessonId}").WithTags("Catalog");
        lessons.MapGet("/", GetLesson).Produces<LessonResponse>();
        lessons.MapPatch("/", UpdateLesson).RequireAuthorization().Produces<LessonResponse>();
        lessons.MapDelete("/", DeleteLesson).RequireAuthorization();
        return app;
    }

    public static async Task<IResult> AddSection(string id, SectionRequest request, HttpContext http, CourseEditor editor, TimeProvider time, CancellationToken ct)
    {
        if (TitleError(request.Title) is { } invalid)
        {
            return invalid;
        }
        var section = new Section { Id = Guid.CreateVersion7(time.GetUtcNow()).ToString(), Title = request.Title!.Trim() };
        var (_, error) = await editor.EditAsync(id, http, c => { c.Sections.Add(section); return null; }, ct);
        return error ?? TypedResults.Created((string?)null, section.ToResponse());
    }

    public static async Task<IResult> RenameSection(string id, string sectionId, SectionRequest request, HttpContext http, CourseEditor editor, CancellationToken ct)
    {
        if (TitleError(request.Title) is { } invalid)
        {
            return invalid;
        }
        Section? renamed = null;
        var (_, error) = await editor.EditAsync(id, http, c =>
        {
            renamed = c.FindSection(sectionId);
            if (renamed is null)
            {
                return CatalogProblems.NotFound();
            }
            renamed.Title = request.Title!.Trim();
            return null;
        }, ct);
        return error ?? TypedResults.Ok(renamed!.ToResponse());
    }

    public static async Task<IResult> DeleteSection(string id, string sectionId, HttpContext http, CourseEditor editor, VideoLibrary videos, CancellationToken ct)
    {
        var (course, error) = await editor.EditAsync(id, http, c => c.Sections.RemoveAll(s => s.Id == sectionId) == 0 ? CatalogProblems.NotFound() : null, ct);
        return error ?? await RemoveVideosOfDeletedLessons(course!, videos, ct);
    }

    private static async Task<IResult> RemoveVideosOfDeletedLessons(Course course, VideoLibrary videos, CancellationToken ct)
    {
        await videos.RemoveMissingAsync(course.Id, [.. course.Lessons.Select(l => l.Id)], ct);
        return TypedResults.NoContent();
    }

    public static async Task<IResult> AddLesson(string id, CreateLessonRequest request, HttpContext http, CourseEditor editor, TimeProvider time, CancellationToken ct)
    {
        var errors = LessonErrors(request.Title, request.Kind, request.Description, request.Body, titleRequired: true);
        if (string.IsNullOrWhiteSpace(request.SectionId))
        {
            errors["sectionId"] = ["sectionId is required."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var kind = CourseValidation.TryParseKind(request.Kind, out var parsed) ? parsed : LessonKind.Text;
        var lesson = new Lesson
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()).ToString(),
            Title = request.Title!.Trim(),
            Kind = kind,
            Description = request.Description,
            Body = request.Body,
            IsPreview = request.IsPreview ?? false,
        };
        var (course, error) = await editor.EditAsync(id, http, c =>
        {
            if (c.FindSection(request.SectionId!) is not { } section)
            {
                return CatalogProblems.Invalid("sectionId", "No such section in this course.");
            }
            section.Lessons.Add(lesson);
            return null;
        }, ct);
        return error ?? TypedResults.Created($"/api/v1/lessons/{lesson.Id}", lesson.ToResponse(course!, withBody: true));
    }

    public static async Task<IResult> GetLesson(string lessonId, HttpContext http, ICourseStore store, CourseAccessService access, CancellationToken ct)
    {
        var course = lessonId.Length <= 64 ? await store.FindByLessonAsync(lessonId, ct) : null;
        if (course is null || !CourseAccess.CanView(course, http.User) || course.FindLesson(lessonId) is not { } lesson)
        {
            return CatalogProblems.NotFound();
        }
        var withBody = await access.MayWatchAsync(http.User, course, lesson, ct);
        return TypedResults.Ok(lesson.ToResponse(course, withBody));
    }

    public static async Task<IResult> UpdateLesson(string lessonId, UpdateLessonRequest request, HttpContext http, ICourseStore store, CourseEditor editor, CancellationToken ct)
    {
        var errors = LessonErrors(request.Title, request.Kind, request.Description, request.Body, titleRequired: false);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var owner = lessonId.Length <= 64 ? await store.FindByLessonAsync(lessonId, ct) : null;
        if (owner is null)
        {
            return CatalogProblems.NotFound();
        }
        Lesson? changed = null;
        var (course, error) = await editor.EditAsync(owner.Id, http, c =>
        {
            changed = c.FindLesson(lessonId);
            if (changed is null)
            {
                return CatalogProblems.NotFound();
            }
            changed.Title = request.Title?.Trim() ?? changed.Title;
            changed.Kind = CourseValidation.TryParseKind(request.Kind, out var kind) ? kind : changed.Kind;
            changed.Description = request.Description ?? changed.Description;
            changed.Body = request.Body ?? changed.Body;
            changed.IsPreview = request.IsPreview ?? changed.IsPreview;
            return null;
        }, ct);
        return error ?? TypedResults.Ok(changed!.ToResponse(course!, withBody: true));
    }

    public static async Task<IResult> DeleteLesson(string lessonId, HttpContext http, ICourseStore store, CourseEditor editor, VideoLibrary videos, CancellationToken ct)
    {
        var owner = lessonId.Length <= 64 ? await store.FindByLessonAsync(lessonId, ct) : null;
        if (owner is null)
        {
            return CatalogProblems.NotFound();
        }
        var (course, error) = await editor.EditAsync(owner.Id, http,
            c => c.Sections.Sum(s => s.Lessons.RemoveAll(l => l.Id == lessonId)) == 0 ? CatalogProblems.NotFound() : null, ct);
        return error ?? await RemoveVideosOfDeletedLessons(course!, videos, ct);
    }

    public static async Task<IResult> Reorder(string id, OutlineRequest request, HttpContext http, CourseEditor editor, CancellationToken ct)
    {
        if (request.Sections is null || request.Sections.Any(s => s.Id is null || s.LessonIds is null || s.LessonIds.Any(l => l is null)))
        {
            return CatalogProblems.Invalid("sections", "List every section as {id, lessonIds: [...]}.");
        }
        var (course, error) = await editor.EditAsync(id, http, c =>
        {
            var sections = c.Sections.ToDictionary(s => s.Id);
            var lessons = c.Lessons.ToDictionary(l => l.Id);
            var sectionIds = request.Sections.Select(s => s.Id!).ToList();
            var lessonIds = request.Sections.SelectMany(s => s.LessonIds!).ToList();
            if (!SamePermutation(sectionIds, sections.Keys) || !SamePermutation(lessonIds, lessons.Keys))
            {
                return CatalogProblems.Invalid("sections", "The outline must name every section and every lesson of the course exactly once.");
            }
            c.Sections = request.Sections.Select(s =>
            {
                var section = sections[s.Id!];
                section.Lessons = s.LessonIds!.Select(l => lessons[l]).ToList();
                return section;
            }).ToList();
            return null;
        }, ct);
        return error ?? TypedResults.Ok(course!.ToResponse(withOutline: true));
    }

    public static async Task<IResult> AddInstructor(string id, InstructorRequest request, HttpContext http, CourseEditor editor, LearnStreamDbContext db, CancellationToken ct)
    {
        var isInstructor = Guid.TryParse(request.UserId, out var userId)
            && await db.Users.AnyAsync(u => u.Id == userId && u.Role == Roles.Instructor && !u.Disabled, ct);
        if (!isInstructor)
        {
            return CatalogProblems.Invalid("userId", "userId must be the id of an instructor.");
        }
        var (course, error) = await editor.EditAsync(id, http, c =>
        {
            if (c.IsInstructor(userId.ToString()))
            {
                return CatalogProblems.Conflict("This user already teaches the course.");
            }
            c.InstructorIds.Add(userId.ToString());
            return null;
        }, ct);
        return error ?? TypedResults.Ok(course!.ToResponse(withOutline: true));
    }

    public static async Task<IResult> RemoveInstructor(string id, string userId, HttpContext http, CourseEditor editor, CancellationToken ct)
    {
        var (_, error) = await editor.EditAsync(id, http, c =>
            c.InstructorIds.FirstOrDefault() == userId ? CatalogProblems.Conflict("The owner cannot be removed.")
            : c.InstructorIds.Remove(userId) ? null
            : CatalogProblems.NotFound(), ct);
        return error ?? TypedResults.NoContent();
    }

    private static bool SamePermutation(List<string> given, IEnumerable<string> existing)
    {
        var set = existing.ToHashSet(StringComparer.Ordinal);
        return given.Count == set.Count && given.ToHashSet(StringComparer.Ordinal).SetEquals(set);
    }

    private static IResult? TitleError(string? title) =>
        string.IsNullOrWhiteSpace(title) || title.Trim().Length > CatalogLimits.TitleLength
            ? CatalogProblems.Invalid("title", $"A title of 1 to {CatalogLimits.TitleLength} characters is required.")
            : null;

    private static Dictionary<string, string[]> LessonErrors(string? title, string? kind, string? description, string? body, bool titleRequired)
    {
        var errors = new Dictionary<string, string[]>();
        if (title is null ? titleRequired : string.IsNullOrWhiteSpace(title) || title.Trim().Length > CatalogLimits.TitleLength)
        {
            errors["title"] = [$"A title of 1 to {CatalogLimits.TitleLength} characters is required."];
        }
        if ((kind is not null || titleRequired) && !CourseValidation.TryParseKind(kind, out _))
        {
            errors["kind"] = ["kind is 'video' or 'text'."];
        }
        if (description is { Length: > CatalogLimits.DescriptionLength })
        {
            errors["description"] = [$"At most {CatalogLimits.DescriptionLength} characters."];
        }
        if (body is { Length: > CatalogLimits.BodyLength })
        {
            errors["body"] = [$"At most {CatalogLimits.BodyLength} characters."];
        }
        return errors;
    }
}
