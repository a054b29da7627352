using LearnStream.Api.Common;
using LearnStream.Api.Features.Catalog;
using LearnStream.Api.Features.Enrollment;
using LearnStream.Api.Features.Progress;
using Microsoft.Extensions.Caching.Memory;

namespace LearnStream.Api.Features.Video;

public sealed record UploadResponse(string UploadId, string UploadUrl, string Provider);

public sealed record VideoResponse(VideoStatus Status, string Provider, string? AssetId, string? PlaybackId, double? Duration, string? Error);

public sealed record PlaybackResponse(string Provider, string StreamUrl, string? ThumbnailUrl, string? StoryboardUrl,
    DateTimeOffset ExpiresAt, double ResumePosition, double? Duration);

public sealed record ImportRequest(string? Url, string? AssetId);

/// <summary>Links an existing video to a lesson (Mux only: a URL Mux fetches, or an asset id).</summary>
public interface IVideoImporter
{
    Task<IResult> ImportAsync(Course course, Lesson lesson, ImportRequest request, CancellationToken ct);
}

public static class VideoApi
{
    public static IEndpointRouteBuilder MapVideoEndpoints(this IEndpointRouteBuilder app)
    {
        var lessons = app.MapGroup("/api/v1/lessons/{id}").WithTags("Video");
        lessons.MapPost("/video/uploads", CreateUpload).RequireAuthorization().Produces<UploadResponse>(201);
        lessons.MapPost("/video/import", Import).RequireAuthorization().Produces(202);
        lessons.MapGet("/video", GetVideo).RequireAuthorization().Produces<VideoResponse>();
        lessons.MapGet("/playback", Playback).Produces<PlaybackResponse>();
        return app;
    }

    public static async Task<IResult> CreateUpload(string id, HttpContext http, ICourseStore store, IVideoProvider provider, VideoLibrary library, CancellationToken ct)
    {
        var (course, lesson, refused) = await EditableVideoLesson(id, http, store, ct);
        if (refused is not null)
        {
            return refused;
        }
        try
        {
            var ticket = await provider.CreateUploadAsync(lesson!.Id, Context(http), ct);
            await library.StartUploadAsync(course!.Id, lesson.Id, ticket, ct);
            return TypedResults.Created($"/api/v1/lessons/{lesson.Id}/video", new UploadResponse(ticket.UploadId, ticket.UploadUrl, provider.Name));
        }
        catch (VideoProviderException e)
        {
            return ProviderFailed(e);
        }
    }

    public static async Task<IResult> Import(string id, ImportRequest request, HttpContext http, ICourseStore store, IServiceProvider services, CancellationToken ct)
    {
        var (course, lesson, refused) = await EditableVideoLesson(id, http, store, ct);
        if (refused is not null)
        {
            return refused;
        }
        if (services.GetService<IVideoImporter>() is not { } importer)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Import not available",
                detail: "Importing an existing video needs Video:Provider=mux; upload the file instead.");
        }
        try
        {
            return await importer.ImportAsync(course!, lesson!, request, ct);
        }
        catch (VideoProviderException e)
        {
            return ProviderFailed(e);
        }
    }

    public static async Task<IResult> GetVideo(string id, HttpContext http, ICourseStore store, VideoLibrary library, IVideoProvider provider, CancellationToken ct)
    {
        var course = id.Length <= 64 ? await store.FindByLessonAsync(id, ct) : null;
        if (CourseEditor.Refuse(course, http) is { } refused)
        {
            return refused;
        }
        var video = await library.GetAsync(id, ct);
        return TypedResults.Ok(video is null
            ? new VideoResponse(VideoStatus.None, provider.Name, null, null, null, null)
            : new VideoResponse(video.Status, video.Provider, video.AssetId, video.PlaybackId, video.Duration, video.Error));
    }

    /// <summary>
    /// Signed URLs for one viewer and lesson. They are cached per viewer and lesson until shortly
    /// before they expire, so a player that asks again gets the same URLs; clients renew by asking
    /// again before <c>expiresAt</c>.
    /// </summary>
    public static async Task<IResult> Playback(string id, HttpContext http, ICourseStore store, CourseAccessService access,
        VideoLibrary library, IVideoProvider provider, IMemoryCache cache, ProgressReader progress, TimeProvider time, CancellationToken ct)
    {
        var course = id.Length <= 64 ? await store.FindByLessonAsync(id, ct) : null;
        if (course is null || !CourseAccess.CanView(course, http.User) || course.FindLesson(id) is not { } lesson)
        {
            return CatalogProblems.NotFound();
        }
        if (!await access.MayWatchAsync(http.User, course, lesson, ct))
        {
            return http.User.Identity?.IsAuthenticated == true
                ? TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "Enroll in this course to watch its lessons.")
                : TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: "Log in to watch this lesson.");
        }
        var video = await library.GetAsync(lesson.Id, ct);
        if (video is not { Status: VideoStatus.Ready } || video.Provider != provider.Name)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Video not ready",
                detail: $"This lesson's video is {(video?.Status ?? VideoStatus.None).ToString().ToLowerInvariant()}.");
        }
        var request = Context(http);
        var now = time.GetUtcNow();
        var key = (nameof(Playback), request.ViewerId, lesson.Id, video.AssetId, video.PlaybackId);
        if (!cache.TryGetValue(key, out PlaybackUrls? urls) || urls is null || urls.ExpiresAt - now < RenewBefore(urls, now))
        {
            try
            {
                urls = provider.Playback(video, request, now);
            }
            catch (VideoProviderException e)
            {
                return ProviderFailed(e);
            }
            cache.Set(key, urls, urls.ExpiresAt - RenewBefore(urls, now));
        }
        return TypedResults.Ok(new PlaybackResponse(provider.Name, urls.StreamUrl, urls.ThumbnailUrl, urls.StoryboardUrl,
            urls.ExpiresAt, await progress.ResumePositionAsync(http.User, lesson.Id, ct), video.Duration));
    }

    /// <summary>Cached URLs are replaced once less than a fifth of their life (and at least a minute) is left.</summary>
    private static TimeSpan RenewBefore(PlaybackUrls urls, DateTimeOffset now) =>
        TimeSpan.FromTicks(Math.Max(TimeSpan.FromMinutes(1).Ticks, (urls.ExpiresAt - now).Ticks / 5));

    private static async Task<(Course? Course, Lesson? Lesson, IResult? Refused)> EditableVideoLesson(string id, HttpContext http, ICourseStore store, CancellationToken ct)
    {
        var course = id.Length <= 64 ? await store.FindByLessonAsync(id, ct) : null;
        if (CourseEditor.Refuse(course, http) is { } refused)
        {
            return (null, null, refused);
        }
        var lesson = course!.FindLesson(id)!;
        if (lesson.Kind != LessonKind.Video)
        {
            return (null, null, TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not a video lesson",
                detail: "Only a video lesson takes a video; change the lesson's kind first."));
        }
        return (course, lesson, null);
    }

    private static VideoRequestContext Context(HttpContext http) => new(
        new Uri($"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/"),
        http.User.Identity?.IsAuthenticated == true ? http.User.UserId().ToString() : "",
        http.Request.Headers.Origin.FirstOrDefault());

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult ProviderFailed(VideoProviderException e) =>
        TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "Video provider failed", detail: e.Message);
}
