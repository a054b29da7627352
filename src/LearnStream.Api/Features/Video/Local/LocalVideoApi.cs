using LearnStream.Api.Common;
using LearnStream.Api.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LearnStream.Api.Features.Video.Local;

public sealed record UploadReceipt(string LessonId, VideoStatus Status, long Bytes);

/// <summary>The local provider's own routes: receiving an upload, and serving media to token holders.</summary>
public static class LocalVideoApi
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new()
    {
        Mappings = { [".m3u8"] = "application/vnd.apple.mpegurl", [".ts"] = "video/mp2t", [".m4s"] = "video/iso.segment", [".vtt"] = "text/vtt" },
    };

    public static IEndpointRouteBuilder MapLocalVideoEndpoints(this IEndpointRouteBuilder app, long maxUploadBytes)
    {
        app.MapPut("/api/v1/video/uploads/{uploadId}", ReceiveUpload).WithTags("Video").AllowAnonymous()
            .WithMetadata(new RequestBodyLimit(maxUploadBytes)).Produces<UploadReceipt>(202);
        app.MapGet("/media/{**path}", ServeMedia).WithTags("Video").AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// The instructor's client PUTs the file to the URL it was given. The body streams to disk (never
    /// whole in memory), capped by <c>Video:Local:MaxUploadBytes</c>; then the transcoder takes over.
    /// </summary>
    public static async Task<IResult> ReceiveUpload(string uploadId, HttpRequest request, LearnStreamDbContext db, MediaLocation media,
        TranscodeWorker worker, IOptions<LocalVideoOptions> options, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var video = uploadId.Length == 32 && uploadId.All(char.IsAsciiHexDigitLower)
            ? await db.LessonVideos.AsNoTracking().SingleOrDefaultAsync(v => v.UploadId == uploadId && v.Provider == VideoOptions.Local, ct)
            : null;
        if (video is null || video.Status != VideoStatus.Uploading || video.UploadExpiresAt <= now)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found",
                detail: "No open upload has this id; it was used, replaced or has expired. Ask for a new upload URL.");
        }
        var part = Path.Combine(media.Incoming, uploadId + ".part");
        FileStream file;
        try
        {
            file = new FileStream(part, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
        }
        catch (IOException)
        {
            return UploadConflict(); // another PUT for this upload id is streaming right now
        }
        long bytes;
        try
        {
            await using (file)
            {
                bytes = await CopyCappedAsync(request.Body, file, options.Value.MaxUploadBytes, ct);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            File.Delete(part);
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Upload too large", detail: e.Message);
        }
        catch (Exception e) when (e is BadHttpRequestException or OperationCanceledException or IOException)
        {
            // The client went away mid-file: keep nothing half-written.
            File.Delete(part);
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Upload interrupted", detail: "The upload did not complete; send the file again.");
        }
        if (bytes == 0)
        {
            File.Delete(part);
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Empty upload", detail: "The request body is empty; PUT the video file.");
        }
        var source = Path.Combine(media.Incoming, uploadId + ".src");
        File.Move(part, source, overwrite: true);
        var claimed = await db.LessonVideos
            .Where(v => v.UploadId == uploadId && v.Status == VideoStatus.Uploading)
            .ExecuteUpdateAsync(s => s
                .SetProperty(v => v.Status, VideoStatus.Processing)
                .SetProperty(v => v.SourceFile, source)
                .SetProperty(v => v.UpdatedAt, time.GetUtcNow()), ct);
        if (claimed == 0)
        {
            File.Delete(source);
            return UploadConflict();
        }
        worker.Enqueue(video.LessonId);
        return TypedResults.Accepted($"/api/v1/lessons/{video.LessonId}/video", new UploadReceipt(video.LessonId, VideoStatus.Processing, bytes));
    }

    /// <summary>
    /// Playlists, segments and posters, only with a token for this lesson that has not expired.
    /// Playlists are rewritten so every URI in them carries the same token: a player follows them
    /// without knowing about tokens.
    /// </summary>
    public static async Task<IResult> ServeMedia(string path, HttpContext http, MediaPathResolver resolver, MediaTokenSigner tokens, TimeProvider time, CancellationToken ct)
    {
        var resolved = resolver.Resolve(path);
        if (!resolved.IsAllowed)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No such media file.");
        }
        string? token = http.Request.Query["token"];
        if (!tokens.Validate(token, resolved.LessonId!, time.GetUtcNow()).IsValid)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: "A valid, unexpired media token for this lesson is required; ask /playback for new URLs.");
        }
        if (!File.Exists(resolved.FullPath))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No such media file.");
        }
        http.Response.Headers.CacheControl = "private, max-age=60";
        var contentType = ContentTypes.TryGetContentType(resolved.FullPath!, out var type) ? type : "application/octet-stream";
        if (resolved.FullPath!.EndsWith(".m3u8", StringComparison.Ordinal))
        {
            var playlist = await File.ReadAllTextAsync(resolved.FullPath, ct);
            var escaped = Uri.EscapeDataString(token!);
            return TypedResults.Text(HlsPlaylistRewriter.Rewrite(playlist, uri => AppendToken(uri, escaped)), contentType);
        }
        return TypedResults.PhysicalFile(resolved.FullPath, contentType, enableRangeProcessing: true);
    }

    /// <summary>
    /// Copies the body and counts it: the server's own cap (set from the endpoint's metadata) only holds
    /// where the server supports it, and a chunked body declares no length up front.
    /// </summary>
    private static async Task<long> CopyCappedAsync(Stream body, FileStream file, long maxBytes, CancellationToken ct)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, ct)) > 0)
        {
            total += read;
            if (total > maxBytes)
            {
                throw new BadHttpRequestException($"Uploads are limited to {maxBytes} bytes.", StatusCodes.Status413PayloadTooLarge);
            }
            await file.WriteAsync(buffer.AsMemory(0, read), ct);
        }
        return total;
    }

    private static string AppendToken(string uri, string token) => uri + (uri.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "token=" + token;

    private static ProblemHttpResult UploadConflict() =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Upload conflict",
            detail: "This upload is already being received or was replaced by a newer one.");
}
