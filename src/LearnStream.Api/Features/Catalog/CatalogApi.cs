using System.Security.Cryptography;
using LearnStream.Api.Common;
using LearnStream.Api.Data;
using Microsoft.EntityFrameworkCore;
using LearnStream.Api.Features.Users;
using LearnStream.Api.Features.Video;

namespace LearnStream.Api.Features.Catalog;

public static class CatalogApi
{
    public const string AuthorPolicy = "course-author";

    public static IEndpointRouteBuilder MapCatalogEndpoints(this IEndpointRouteBuilder app)
    {
        var courses = app.MapGroup("/api/v1/courses").WithTags("Catalog");
        courses.MapGet("/", ListCourses).Produces<Paged<CourseResponse>>();
        courses.MapGet("/{idOrSlug}", GetCourse).Produces<CourseResponse>();
        courses.MapPost("/", CreateCourse).RequireAuthorization(AuthorPolicy).Produces<CourseResponse>(201);
        courses.MapPatch("/{id}", UpdateCourse).RequireAuthorization().Produces<CourseResponse>();
        courses.MapDelete("/{id}", DeleteCourse).RequireAuthorization();
        courses.MapPost("/{id}/publish", (string id, HttpContext http, CourseEditor editor, TimeProvider time, CancellationToken ct) =>
            ChangeStatus(id, http, editor, course => course.Lessons.Any()
                ? Publish(course, time)
                : CatalogProblems.Conflict("Publishing needs at least one lesson."), ct)).RequireAuthorization().Produces<CourseResponse>();
        courses.MapPost("/{id}/unpublish", (string id, HttpContext http, CourseEditor editor, CancellationToken ct) =>
            ChangeStatus(id, http, editor, course => SetStatus(course, CourseStatus.Draft), ct)).RequireAuthorization().Produces<CourseResponse>();
        courses.MapPost("/{id}/archive", (string id, HttpContext http, CourseEditor editor, CancellationToken ct) =>
            ChangeStatus(id, http, editor, course => SetStatus(course, CourseStatus.Archived), ct)).RequireAuthorization().Produces<CourseResponse>();
        app.MapCourseOutlineEndpoints();
        return app;
    }

    public static async Task<IResult> ListCourses(
        HttpContext http, ICourseStore store, CatalogCache cache, string? search, string? tag, string? level,
        string? instructorId, int? page, int? pageSize, CancellationToken cancellationToken)
    {
        var errors = Paging.Validate(page, pageSize) ?? [];
        if (search is { Length: > 200 })
        {
            errors["search"] = ["search is at most 200 characters."];
        }
        if (level is not null && !CourseValidation.Levels.Contains(level))
        {
            errors["level"] = [$"level must be one of: {string.Join(", ", CourseValidation.Levels)}."];
        }
        if (tag is { Length: > CatalogLimits.TagLength } || instructorId is { Length: > 64 })
        {
            errors[tag is { Length: > CatalogLimits.TagLength } ? "tag" : "instructorId"] = ["Too long."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (p, size, skip) = Paging.Resolve(page, pageSize);
        var user = http.User;
        var visibility = CourseAccess.IsAdmin(user) ? CourseVisibility.All
            : user.Identity?.IsAuthenticated == true && user.Role() == Roles.Instructor ? CourseVisibility.PublishedOrTaughtBy
            : CourseVisibility.Published;
        var viewer = user.Identity?.IsAuthenticated == true ? user.UserId().ToString() : null;
        var query = new CourseQuery(visibility, viewer, NullIfBlank(search), NullIfBlank(tag), level, NullIfBlank(instructorId), skip, size);

        async Task<CoursePage> Load(CancellationToken ct)
        {
            var (items, total) = await store.ListAsync(query, ct);
            return new CoursePage(items, total);
        }
        var result = visibility == CourseVisibility.Published
            ? await cache.GetPublishedPageAsync(query, Load, cancellationToken)
            : await Load(cancellationToken);
        return TypedResults.Ok(new Paged<CourseResponse>(result.Items.Select(c => c.ToResponse(withOutline: false)).ToList(), p, size, result.Total));
    }

    public static async Task<IResult> GetCourse(string idOrSlug, HttpContext http, ICourseStore store, CatalogCache cache, CancellationToken cancellationToken)
    {
        if (idOrSlug.Length > CatalogLimits.SlugLength)
        {
            return CatalogProblems.NotFound();
        }
        // The public copy serves everyone; only a course the cache does not publish needs a store read and an access check.
        var course = await cache.GetPublishedAsync(idOrSlug, ct => store.FindAsync(idOrSlug, ct), cancellationToken);
        if (course is null && http.User.Identity?.IsAuthenticated == true)
        {
            course = await store.FindAsync(idOrSlug, cancellationToken);
        }
        if (course is null || !CourseAccess.CanView(course, http.User))
        {
            return CatalogProblems.NotFound();
        }
        http.Response.Headers.ETag = course.ETag();
        return TypedResults.Ok(course.ToResponse(withOutline: true));
    }

    public static async Task<IResult> CreateCourse(
        CreateCourseRequest request, HttpContext http, ICourseStore store, CatalogCache cache, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        CourseValidation.Check(errors, request.Title, request.Slug, request.Subtitle, request.Description, request.Tags,
            request.Level, request.Language, request.Price, request.CoverImageUrl, titleRequired: true);
        CheckAccessDays(errors, request.AccessDays);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var now = time.GetUtcNow();
        var title = request.Title!.Trim();
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var slug = request.Slug ?? CourseValidation.Slugify(title) + (attempt == 0 ? "" : "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3)));
            var course = new Course
            {
                Id = Guid.CreateVersion7(now).ToString(),
                Slug = slug,
                Title = title,
                CreatedAt = now,
                UpdatedAt = now,
                Status = CourseStatus.Draft,
                InstructorIds = [http.User.UserId().ToString()],
            };
            Apply(course, request.Subtitle, request.Description, request.Tags, request.Level, request.Language, request.Price, request.CoverImageUrl);
            course.AccessDays = request.AccessDays is > 0 ? request.AccessDays : null;
            var written = await store.InsertAsync(course, cancellationToken);
            if (written == StoreWrite.Ok)
            {
                await cache.InvalidateAsync(cancellationToken);
                http.Response.Headers.ETag = course.ETag();
                return TypedResults.Created($"/api/v1/courses/{course.Id}", course.ToResponse(withOutline: true));
            }
            if (request.Slug is not null)
            {
                break;
            }
        }
        return CatalogProblems.Conflict("Another course has this slug.");
    }

    public static async Task<IResult> UpdateCourse(string id, UpdateCourseRequest request, HttpContext http, CourseEditor editor, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        CourseValidation.Check(errors, request.Title, request.Slug, request.Subtitle, request.Description, request.Tags,
            request.Level, request.Language, request.Price, request.CoverImageUrl, titleRequired: false);
        CheckAccessDays(errors, request.AccessDays);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var (course, error) = await editor.EditAsync(id, http, c =>
        {
            c.Title = request.Title?.Trim() ?? c.Title;
            c.Slug = request.Slug ?? c.Slug;
            Apply(c, request.Subtitle, request.Description, request.Tags, request.Level, request.Language, request.Price, request.CoverImageUrl);
            c.AccessDays = request.AccessDays is null ? c.AccessDays : request.AccessDays > 0 ? request.AccessDays : null;
            return null;
        }, cancellationToken);
        return error ?? TypedResults.Ok(course!.ToResponse(withOutline: true));
    }

    public static async Task<IResult> DeleteCourse(string id, HttpContext http, ICourseStore store, CatalogCache cache, LearnStreamDbContext db,
        VideoLibrary videos, CancellationToken cancellationToken)
    {
        var course = await store.FindAsync(id, cancellationToken);
        if (CourseEditor.Refuse(course, http) is { } refused)
        {
            return refused;
        }
        if (!CourseEditor.Matches(http.Request.Headers.IfMatch, course!))
        {
            return CatalogProblems.PreconditionFailed();
        }
        if (course!.Status != CourseStatus.Draft)
        {
            return CatalogProblems.Conflict("Only a draft can be deleted; archive a published course instead.");
        }
        if (await db.Enrollments.AnyAsync(e => e.CourseId == course.Id, cancellationToken))
        {
            return CatalogProblems.Conflict("The course has enrollments; archive it instead.");
        }
        var deleted = await store.DeleteAsync(course.Id, course.Version, cancellationToken);
        if (deleted != StoreWrite.Ok)
        {
            return deleted == StoreWrite.NotFound ? CatalogProblems.NotFound() : CatalogProblems.PreconditionFailed();
        }
        await cache.InvalidateAsync(cancellationToken);
        await videos.RemoveMissingAsync(course.Id, [], cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> ChangeStatus(string id, HttpContext http, CourseEditor editor, Func<Course, IResult?> change, CancellationToken ct)
    {
        var (course, error) = await editor.EditAsync(id, http, change, ct);
        return error ?? TypedResults.Ok(course!.ToResponse(withOutline: true));
    }

    private static IResult? Publish(Course course, TimeProvider time)
    {
        course.Status = CourseStatus.Published;
        course.PublishedAt ??= time.GetUtcNow();
        return null;
    }

    private static IResult? SetStatus(Course course, CourseStatus status)
    {
        course.Status = status;
        return null;
    }

    private static void Apply(Course c, string? subtitle, string? description, List<string>? tags, string? level, string? language, PriceBody? price, string? cover)
    {
        c.Subtitle = subtitle ?? c.Subtitle;
        c.Description = description ?? c.Description;
        c.Tags = tags?.Select(t => t.Trim()).Distinct(StringComparer.Ordinal).ToList() ?? c.Tags;
        c.Level = level ?? c.Level;
        c.Language = language ?? c.Language;
        c.Price = price is null ? c.Price : new Price(price.Amount!.Value, price.Currency!);
        c.CoverImageUrl = cover ?? c.CoverImageUrl;
    }

    private static void CheckAccessDays(Dictionary<string, string[]> errors, int? accessDays)
    {
        if (accessDays is < 0 or > CatalogLimits.MaxAccessDays)
        {
            errors["accessDays"] = [$"accessDays must be from 1 to {CatalogLimits.MaxAccessDays} days, or 0 for lifetime access."];
        }
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
