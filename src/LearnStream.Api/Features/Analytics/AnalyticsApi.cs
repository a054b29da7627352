using System.Security.Claims;
using LearnStream.Api.Features.Catalog;

namespace LearnStream.Api.Features.Analytics;

/// <summary>Course and lesson analytics for the course's instructors and admins.</summary>
public static class AnalyticsApi
{
    // Longer values are no course (id or slug) or lesson and are not worth a store read; as the catalog and video routes do.
    private const int MaxLessonIdLength = 64;

    public static IEndpointRouteBuilder MapAnalyticsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1").WithTags("Analytics").RequireAuthorization();
        group.MapGet("/courses/{id}/analytics", GetCourseAnalytics).Produces<CourseAnalytics>().ProducesProblem(403).ProducesProblem(404);
        group.MapGet("/lessons/{id}/analytics", GetLessonAnalytics).Produces<LessonAnalytics>().ProducesProblem(403).ProducesProblem(404);
        return app;
    }

    public static async Task<IResult> GetCourseAnalytics(string id, HttpContext http, ICourseStore store, AnalyticsService analytics, CancellationToken ct)
    {
        var course = id.Length <= CatalogLimits.SlugLength ? await store.FindAsync(id, ct) : null;
        if (Refuse(course, http.User) is { } refused)
        {
            return refused;
        }
        var report = await analytics.GetAsync(course!, ct);
        return TypedResults.Ok(report.Course);
    }

    public static async Task<IResult> GetLessonAnalytics(string id, HttpContext http, ICourseStore store, AnalyticsService analytics, CancellationToken ct)
    {
        var course = id.Length <= MaxLessonIdLength ? await store.FindByLessonAsync(id, ct) : null;
        if (Refuse(course, http.User) is { } refused)
        {
            return refused;
        }
        var report = await analytics.GetAsync(course!, ct);
        // The report is keyed by the outline version the course was just read at, so the lesson is in it.
        var lesson = report.Lessons.FirstOrDefault(l => l.LessonId == id);
        return lesson is null ? CatalogProblems.NotFound() : TypedResults.Ok(lesson);
    }

    /// <summary>404 to whoever may not even see the course (as the catalog does), 403 to learners and other instructors.</summary>
    private static IResult? Refuse(Course? course, ClaimsPrincipal user) =>
        course is null || !CourseAccess.CanView(course, user) ? CatalogProblems.NotFound()
        : !CourseAccess.CanEdit(course, user)
            ? TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: "Only the course's instructors and admins may see its analytics.")
            : null;
}
