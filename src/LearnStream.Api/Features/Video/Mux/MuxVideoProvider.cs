using Microsoft.Extensions.Options;

namespace LearnStream.Api.Features.Video.Mux;

/// <summary>
/// Mux as the video provider: instructors upload straight to Mux (direct uploads), Mux's webhooks move the
/// lesson's video forward (<see cref="MuxWebhookHandler"/>), and playback URLs carry RS256 tokens we sign.
/// </summary>
public sealed class MuxVideoProvider(MuxClient client, MuxPlaybackSigner signer, IOptions<MuxOptions> options, TimeProvider time) : IVideoProvider
{
    /// <summary>What Mux keeps an upload URL open for when it does not say (its documented default).</summary>
    private static readonly TimeSpan DefaultUploadTimeout = TimeSpan.FromHours(1);

    public string Name => VideoOptions.Mux;

    public async Task<UploadTicket> CreateUploadAsync(string lessonId, VideoRequestContext request, CancellationToken ct)
    {
        var upload = await CallAsync("create the upload", () => client.CreateUploadAsync(CorsOrigin(request), lessonId, ct), ct);
        if (string.IsNullOrEmpty(upload.Id) || string.IsNullOrEmpty(upload.Url))
        {
            throw new VideoProviderException("Mux created an upload without an id or an upload URL.");
        }
        var timeout = upload.Timeout is > 0 ? TimeSpan.FromSeconds(upload.Timeout.Value) : DefaultUploadTimeout;
        return new UploadTicket(upload.Id, upload.Url, time.GetUtcNow() + timeout);
    }

    public PlaybackUrls Playback(LessonVideo video, VideoRequestContext request, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(video.PlaybackId))
        {
            throw new VideoProviderException("This video has no signed playback id.");
        }
        var duration = video.Duration is > 0 ? TimeSpan.FromSeconds(video.Duration.Value) : (TimeSpan?)null;
        var signed = signer.SignUrls(video.PlaybackId, duration);
        return new PlaybackUrls(signed.StreamUrl, signed.ThumbnailUrl, signed.StoryboardUrl, signed.ExpiresAt);
    }

    public async Task DeleteAsync(LessonVideo video, CancellationToken ct)
    {
        // An upload that never became an asset holds nothing billable; Mux times the URL out on its own.
        if (string.IsNullOrEmpty(video.AssetId) || video.Provider != Name)
        {
            return;
        }
        await CallAsync("delete the asset", async () =>
        {
            await client.DeleteAssetAsync(video.AssetId, ct);
            return true;
        }, ct);
    }

    /// <summary>
    /// The browser that PUTs the file must be allowed by Mux's CORS: the caller's own origin when it sent
    /// one, else the configured origin, else this service's.
    /// </summary>
    private string CorsOrigin(VideoRequestContext request)
    {
        // "null" is what sandboxed frames and file:// pages send; it names no origin Mux could allow.
        if (request.Origin is { Length: > 0 } origin && origin != "null")
        {
            return origin;
        }
        if (options.Value.CorsOrigin is { Length: > 0 } configured)
        {
            return configured.TrimEnd('/');
        }
        return request.ServiceBase.GetLeftPart(UriPartial.Authority);
    }

    /// <summary>Turns Mux's failures into <see cref="VideoProviderException"/>, which the API answers with 502.</summary>
    internal static async Task<T> CallAsync<T>(string what, Func<Task<T>> call, CancellationToken ct)
    {
        try
        {
            return await call();
        }
        catch (MuxApiException e)
        {
            throw new VideoProviderException($"Mux could not {what}: {e.Message}", e);
        }
        catch (HttpRequestException e)
        {
            throw new VideoProviderException($"Mux could not be reached to {what}.", e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new VideoProviderException($"Mux did not answer in time to {what}.", e);
        }
    }
}
