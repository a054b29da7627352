using LearnStream.Api.Common;
using LearnStream.Api.Data;
using LearnStream.Api.Features.Auth;
using LearnStream.Api.Features.Catalog;
using LearnStream.Api.Features.Progress;
using Microsoft.EntityFrameworkCore;

namespace LearnStream.Api.Features.Enrollment;

public sealed record EnrollmentResponse(string CourseId, Guid UserId, EnrollmentStatus Status, DateTimeOffset EnrolledAt, DateTimeOffset? ExpiresAt);

public sealed record MyEnrollment(string CourseId, string? CourseTitle, EnrollmentStatus Status, DateTimeOffset EnrolledAt, DateTimeOffset? ExpiresAt, double ProgressPercent);

public sealed record RosterEntry(Guid UserId, string Name, string Email, EnrollmentStatus Status, DateTimeOffset EnrolledAt, DateTimeOffset? ExpiresAt);

public sealed record GrantRequest(string? UserId, DateTimeOffset? ExpiresAt);

public static class EnrollmentApi
{
    public static IEndpointRouteBuilder MapEnrollmentEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/courses/{id}/enroll", Enroll).WithTags("Enrollment").RequireAuthorization().Produces<EnrollmentResponse>(201);
        app.MapGet("/api/v1/courses/{id}/enrollments", Roster).WithTags("Enrollment").RequireAuthorization().Produces<Paged<RosterEntry>>();
        var me = app.MapGroup("/api/v1/me/enrollments").WithTags("Enrollment").RequireAuthorization();
        me.MapGet("/", MyEnrollments).Produces<List<MyEnrollment>>();
        me.MapDelete("/{courseId}", Unenroll);
        var admin = app.MapGroup("/api/v1/admin/courses/{id}/enrollments").WithTags("Admin").RequireAuthorization(AuthExtensions.AdminPolicy);
        admin.MapPost("/", Grant).Produces<EnrollmentResponse>(201);
        admin.MapDelete("/{userId}", Revoke);
        return app;
    }

    public static async Task<IResult> Enroll(string id, HttpContext http, ICourseStore store, EnrollmentService enrollments, CancellationToken ct)
    {
        var course = id.Length <= CatalogLimits.SlugLength ? await store.FindAsync(id, ct) : null;
        if (course is null || course.Status != CourseStatus.Published)
        {
            return CatalogProblems.NotFound();
        }
        if (!course.IsFree)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status402PaymentRequired, title: "Payment required",
                detail: $"This course costs {course.Price!.Amount} {course.Price.Currency} (minor units); start a checkout instead.");
        }
        var (enrollment, outcome) = await enrollments.EnrollAsync(http.User.UserId(), course.Id, course.AccessDays, ct);
        return outcome switch
        {
            EnrollOutcome.Created => TypedResults.Created($"/api/v1/me/enrollments/{course.Id}", enrollment!.ToResponse()),
            EnrollOutcome.Revoked => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Enrollment revoked",
                detail: "An admin revoked your enrollment in this course."),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Already enrolled", detail: "You are already enrolled in this course."),
        };
    }

    public static async Task<IResult> MyEnrollments(HttpContext http, LearnStreamDbContext db, ICourseStore store, ProgressReader progress,
        TimeProvider time, CancellationToken ct)
    {
        var userId = http.User.UserId();
        var rows = await db.Enrollments.AsNoTracking().Where(e => e.UserId == userId)
            .OrderByDescending(e => e.EnrolledAt).ToListAsync(ct);
        // One batch read of the content store for all titles and outlines, and one of progress, whatever the number of enrollments.
        var courses = await store.GetManyAsync(rows.Select(r => r.CourseId).ToList(), ct, includeSections: true);
        var percents = await progress.ForCoursesAsync(userId, [.. courses.Values], ct);
        var now = time.GetUtcNow();
        return TypedResults.Ok(rows.Select(r => new MyEnrollment(
            r.CourseId, courses.TryGetValue(r.CourseId, out var c) ? c.Title : null, r.StatusAt(now), r.EnrolledAt, r.ExpiresAt,
            percents.TryGetValue(r.CourseId, out var p) ? p.Percent : 0)).ToList());
    }

    public static async Task<IResult> Unenroll(string courseId, HttpContext http, EnrollmentService enrollments, CancellationToken ct) =>
        await enrollments.RemoveAsync(http.User.UserId(), courseId, ct) ? TypedResults.NoContent() : CatalogProblems.NotFound();

    public static async Task<IResult> Roster(string id, int? page, int? pageSize, HttpContext http, ICourseStore store, LearnStreamDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (Paging.Validate(page, pageSize) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var course = id.Length <= CatalogLimits.SlugLength ? await store.FindAsync(id, ct) : null;
        if (CourseEditor.Refuse(course, http) is { } refused)
        {
            return refused;
        }
        var (p, size, skip) = Paging.Resolve(page, pageSize);
        var query = db.Enrollments.AsNoTracking().Where(e => e.CourseId == course!.Id);
        var total = await query.CountAsync(ct);
        var rows = await query.OrderBy(e => e.EnrolledAt).ThenBy(e => e.Id).Skip(skip).Take(size)
            .Join(db.Users, e => e.UserId, u => u.Id, (e, u) => new { e, u.Name, u.Email })
            .ToListAsync(ct);
        var now = time.GetUtcNow();
        var items = rows.Select(r => new RosterEntry(r.e.UserId, r.Name, r.Email, r.e.StatusAt(now), r.e.EnrolledAt, r.e.ExpiresAt)).ToList();
        return TypedResults.Ok(new Paged<RosterEntry>(items, p, size, total));
    }

    public static async Task<IResult> Grant(string id, GrantRequest request, ICourseStore store, LearnStreamDbContext db, EnrollmentService enrollments, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var known = Guid.TryParse(request.UserId, out var userId) && await db.Users.AnyAsync(u => u.Id == userId, ct);
        if (!known)
        {
            errors["userId"] = ["userId must be the id of a user."];
        }
        if (request.ExpiresAt is { } expires && expires <= time.GetUtcNow())
        {
            errors["expiresAt"] = ["expiresAt must be in the future."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var course = id.Length <= CatalogLimits.SlugLength ? await store.FindAsync(id, ct) : null;
        if (course is null)
        {
            return CatalogProblems.NotFound();
        }
        var enrollment = await enrollments.GrantAsync(userId, course.Id, request.ExpiresAt, ct);
        return TypedResults.Created($"/api/v1/courses/{course.Id}/enrollments", enrollment.ToResponse());
    }

    public static async Task<IResult> Revoke(string id, string userId, EnrollmentService enrollments, CancellationToken ct) =>
        Guid.TryParse(userId, out var user) && await enrollments.RevokeAsync(user, id, ct)
            ? TypedResults.NoContent()
            : CatalogProblems.NotFound();

    private static EnrollmentResponse ToResponse(this CourseEnrollment e) => new(e.CourseId, e.UserId, e.Status, e.EnrolledAt, e.ExpiresAt);
}
