using LearnStream.Api.Common;
using LearnStream.Api.Features.Catalog;
using LearnStream.Api.Features.Enrollment;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LearnStream.Api.Features.Progress;

/// <summary>The learner's side of progress: beats, completing text lessons, and reading one's own progress and history.</summary>
public static class ProgressApi
{
    public static IEndpointRouteBuilder MapProgressEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Progress").RequireAuthorization();
        // BeatRequest carries no validation attributes (ProgressRequests.Validate checks every field), so the
        // framework's validation filter would only walk the body on the hottest route of the service.
        api.MapPost("/lessons/{id}/progress", RecordBeat).DisableValidation().Accepts<BeatRequest>("application/json");
        api.MapPost("/lessons/{id}/complete", CompleteLesson);
        api.MapGet("/courses/{id}/progress", GetCourseProgress);
        api.MapGet("/me/progress", GetMyProgress);
        api.MapGet("/me/history", GetHistory);
        return app;
    }

    public static async Task<Results<AcceptedProgress, ValidationProblem, ProblemHttpResult>> RecordBeat(
        string id, BeatRequest request, HttpContext http, ProgressRecorder recorder, CancellationToken ct)
    {
        var (beat, errors) = ProgressRequests.Validate(request);
        if (errors is not null)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var write = await recorder.RecordBeatAsync(http.User, id, beat!, ct);
        return write.Outcome == ProgressOutcome.Accepted
            ? new AcceptedProgress(LessonProgressResponse.From(write.State!))
            : Refused(write, id, http);
    }

    public static async Task<Results<Ok<LessonProgressResponse>, ProblemHttpResult>> CompleteLesson(
        string id, HttpContext http, ProgressRecorder recorder, CancellationToken ct)
    {
        var write = await recorder.CompleteTextAsync(http.User, id, ct);
        return write.Outcome == ProgressOutcome.Accepted
            ? TypedResults.Ok(LessonProgressResponse.From(write.State!))
            : Refused(write, id, http);
    }

    public static async Task<Results<Ok<CourseProgressResponse>, ProblemHttpResult>> GetCourseProgress(
        string id, HttpContext http, ICourseStore store, CourseAccessService access, ProgressReader reader, CancellationToken ct)
    {
        var course = id.Length <= CatalogLimits.SlugLength ? await store.FindAsync(id, ct) : null;
        if (course is null || !CourseAccess.CanView(course, http.User))
        {
            return NotFound();
        }
        if (!await access.MayWatchAsync(http.User, course, null, ct))
        {
            return Forbidden();
        }
        var p = await reader.ForCourseAsync(http.User.UserId(), course, ct);
        return TypedResults.Ok(new CourseProgressResponse(p.CourseId, p.Percent, p.CompletedLessons, p.TotalLessons, p.NextLessonId, p.CompletedAt, p.Lessons));
    }

    public static async Task<Ok<List<MyCourseProgress>>> GetMyProgress(HttpContext http, ProgressReader reader, CancellationToken ct) =>
        TypedResults.Ok(await reader.MineAsync(http.User.UserId(), ct));

    public static async Task<Results<Ok<Paged<HistoryItem>>, ValidationProblem>> GetHistory(
        int? page, int? pageSize, HttpContext http, ProgressReader reader, CancellationToken ct)
    {
        if (Paging.Validate(page, pageSize) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var (p, size, _) = Paging.Resolve(page, pageSize);
        return TypedResults.Ok(await reader.HistoryAsync(http.User.UserId(), p, size, ct));
    }

    private static ProblemHttpResult Refused(ProgressWrite write, string lessonId, HttpContext http) => write.Outcome switch
    {
        ProgressOutcome.NotFound => NotFound(),
        ProgressOutcome.Forbidden => Forbidden(),
        ProgressOutcome.TextLesson => Conflict("Not a video lesson", $"A text lesson has no playback to report; complete it with POST /api/v1/lessons/{lessonId}/complete."),
        ProgressOutcome.VideoLesson => Conflict("Not a text lesson", "Video lessons complete by watching: send progress beats instead."),
        ProgressOutcome.VideoNotReady => Conflict("Video not ready", "This lesson's video is not ready to watch yet."),
        ProgressOutcome.RateLimited => RateLimitResults.TooManyRequests(http, write.RetryAfter, "Too many progress reports for this lesson; send one every 10 to 15 seconds."),
        _ => throw new InvalidOperationException($"{write.Outcome} is not a refusal."),
    };

    private static ProblemHttpResult NotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No such course or lesson.");

    private static ProblemHttpResult Forbidden() =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "Enroll in this course to watch its lessons.");

    private static ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail);
}
