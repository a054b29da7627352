using System.Net;
using LearnStream.Api.Data;
using LearnStream.Api.Features.Catalog;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace LearnStream.Api.Features.Video.Mux;

/// <summary>
/// Links a video that is not uploaded through us: a URL Mux fetches (we never do), or an asset that already
/// exists in the Mux environment.
/// </summary>
public sealed class MuxVideoImporter(MuxClient client, VideoLibrary library, LearnStreamDbContext db) : IVideoImporter
{
    /// <summary>Mux ids are alphanumeric; anything else is refused before it reaches a URL path.</summary>
    private const int MaxAssetIdLength = 255;

    public async Task<IResult> ImportAsync(Course course, Lesson lesson, ImportRequest request, CancellationToken ct)
    {
        var hasUrl = !string.IsNullOrEmpty(request.Url);
        var hasAsset = !string.IsNullOrEmpty(request.AssetId);
        if (hasUrl == hasAsset)
        {
            return Invalid(hasUrl ? "assetId" : "url", "Give either url (a video Mux fetches) or assetId (an existing Mux asset), not both.");
        }
        return hasUrl
            ? await FromUrlAsync(course, lesson, request.Url!, ct)
            : await FromAssetAsync(course, lesson, request.AssetId!, ct);
    }

    private async Task<IResult> FromUrlAsync(Course course, Lesson lesson, string url, CancellationToken ct)
    {
        if (ImportUrlGuard.Check(url) is { } refused)
        {
            return Invalid("url", refused);
        }
        var asset = await MuxVideoProvider.CallAsync("create the asset", () => client.CreateAssetAsync(url, lesson.Id, ct), ct);
        var video = await library.StartAssetAsync(course.Id, lesson.Id, v =>
        {
            v.Status = VideoStatus.Processing;
            v.AssetId = asset.Id;
        }, ct);
        return Accepted(video);
    }

    private async Task<IResult> FromAssetAsync(Course course, Lesson lesson, string assetId, CancellationToken ct)
    {
        if (assetId.Length > MaxAssetIdLength || !assetId.All(char.IsAsciiLetterOrDigit))
        {
            return Invalid("assetId", "assetId is a Mux asset id: letters and digits only.");
        }
        MuxAsset asset;
        try
        {
            asset = await MuxVideoProvider.CallAsync("read the asset", () => client.GetAssetAsync(assetId, ct), ct);
        }
        catch (VideoProviderException e) when (e.InnerException is MuxApiException { StatusCode: HttpStatusCode.NotFound })
        {
            return Invalid("assetId", "There is no such asset in the Mux environment.");
        }
        if (asset.SignedPlaybackId is not { } playback)
        {
            return Invalid("assetId", asset.PlaybackIds.Count > 0
                ? "This asset has only public playback ids; lessons are served through signed playback only. Add a signed playback id to it in Mux first."
                : "This asset has no playback id; add a signed playback id to it in Mux first.");
        }
        // One asset per lesson: deleting or replacing one lesson's video deletes its asset, which must not
        // take another lesson's video with it.
        if (await db.LessonVideos.AnyAsync(v => v.AssetId == asset.Id && v.LessonId != lesson.Id && v.Provider == VideoOptions.Mux, ct))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Asset in use",
                detail: "This asset is the video of another lesson; each lesson needs its own asset.");
        }
        var video = await library.StartAssetAsync(course.Id, lesson.Id, v =>
        {
            v.AssetId = asset.Id;
            v.PlaybackId = playback.Id;
            v.Duration = asset.Duration;
            v.AspectRatio = asset.AspectRatio;
            (v.Status, v.Error) = asset.Status switch
            {
                "ready" => (VideoStatus.Ready, null),
                "errored" => (VideoStatus.Errored, MuxWebhookHandler.Describe(asset.Errors)),
                _ => (VideoStatus.Processing, (string?)null),
            };
        }, ct);
        return Accepted(video);
    }

    private static Accepted<VideoResponse> Accepted(LessonVideo video) =>
        TypedResults.Accepted($"/api/v1/lessons/{video.LessonId}/video",
            new VideoResponse(video.Status, video.Provider, video.AssetId, video.PlaybackId, video.Duration, video.Error));

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
