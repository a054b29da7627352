using Microsoft.Extensions.Primitives;

namespace LearnStream.Api.Features.Catalog;

/// <summary>
/// Every change to a course goes through here: load, check access and If-Match, apply the change in
/// memory, write back under the version read, drop cached copies. A lost race is retried when the
/// client sent no If-Match, and answered 412 when it did.
/// </summary>
public sealed class CourseEditor(ICourseStore store, CatalogCache cache, TimeProvider time)
{
    private const int Attempts = 3;

    public async Task<(Course? Course, IResult? Error)> EditAsync(
        string courseId, HttpContext http, Func<Course, IResult?> change, CancellationToken cancellationToken)
    {
        var ifMatch = http.Request.Headers.IfMatch;
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var course = await store.FindAsync(courseId, cancellationToken);
            if (Refuse(course, http) is { } refused)
            {
                return (null, refused);
            }
            if (!Matches(ifMatch, course!))
            {
                return (null, CatalogProblems.PreconditionFailed());
            }
            var expected = course!.Version;
            if (change(course) is { } invalid)
            {
                return (null, invalid);
            }
            course.UpdatedAt = time.GetUtcNow();
            switch (await store.ReplaceAsync(course, expected, cancellationToken))
            {
                case StoreWrite.Ok:
                    await cache.InvalidateAsync(cancellationToken);
                    http.Response.Headers.ETag = course.ETag();
                    return (course, null);
                case StoreWrite.SlugTaken:
                    return (null, CatalogProblems.Conflict("Another course has this slug."));
                case StoreWrite.NotFound:
                    return (null, CatalogProblems.NotFound());
                case StoreWrite.VersionConflict when ifMatch.Count > 0:
                    return (null, CatalogProblems.PreconditionFailed());
            }
        }
        return (null, CatalogProblems.Conflict("The course kept changing; retry."));
    }

    /// <summary>404 to whoever cannot see the course, 403 to whoever can see but not change it.</summary>
    public static IResult? Refuse(Course? course, HttpContext http) =>
        course is null || !CourseAccess.CanView(course, http.User) ? CatalogProblems.NotFound()
        : !CourseAccess.CanEdit(course, http.User) ? CatalogProblems.Forbidden()
        : null;

    public static bool Matches(StringValues ifMatch, Course course) =>
        ifMatch.Count == 0 || ifMatch.SelectMany(v => (v ?? "").Split(','))
            .Select(v => v.Trim())
            .Any(v => v == "*" || v == course.ETag() || v == "W/" + course.ETag());
}

public static class CatalogProblems
{
    public static IResult NotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No such course or lesson.");

    public static IResult Forbidden() =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "Only the course's instructors and admins may change it.");

    public static IResult PreconditionFailed() =>
        TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "Precondition failed",
            detail: "The course changed since it was read (If-Match does not match its ETag). Read it again.");

    public static IResult Conflict(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: detail);

    public static IResult Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
