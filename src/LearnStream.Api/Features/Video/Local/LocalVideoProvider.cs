using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace LearnStream.Api.Features.Video.Local;

/// <summary>
/// The self-hosted provider: uploads come to this server, <see cref="TranscodeWorker"/> makes HLS
/// renditions with ffmpeg, and <c>/media/...</c> serves them to holders of a token bound to the
/// lesson and the viewer.
/// </summary>
public sealed class LocalVideoProvider(MediaLocation media, MediaTokenSigner tokens, IOptions<LocalVideoOptions> options, TimeProvider time) : IVideoProvider
{
    /// <summary>How long an upload URL may be used.</summary>
    public static readonly TimeSpan UploadLifetime = TimeSpan.FromHours(24);

    public string Name => VideoOptions.Local;

    public Task<UploadTicket> CreateUploadAsync(string lessonId, VideoRequestContext request, CancellationToken ct)
    {
        // The upload id is the capability to send this one file, like a Mux direct-upload URL: 128 random bits.
        var uploadId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var url = new Uri(request.ServiceBase, $"api/v1/video/uploads/{uploadId}").ToString();
        return Task.FromResult(new UploadTicket(uploadId, url, time.GetUtcNow() + UploadLifetime));
    }

    public PlaybackUrls Playback(LessonVideo video, VideoRequestContext request, DateTimeOffset now)
    {
        // One token for the master playlist and, through the rewritten playlists, every segment: it must
        // outlive a viewing of the whole video, so its life is the video's duration plus the token lifetime.
        var lifetime = options.Value.SegmentTokenLifetime(TimeSpan.FromSeconds(Math.Clamp(video.Duration ?? 0, 0, 86_400)));
        var expiresAt = now + (lifetime > TimeSpan.FromDays(1) ? TimeSpan.FromDays(1) : lifetime);
        var token = Uri.EscapeDataString(tokens.Issue(video.LessonId, request.ViewerId, expiresAt));
        string Url(string file) => new Uri(request.ServiceBase, $"media/{video.LessonId}/{file}?token={token}").ToString();
        return new PlaybackUrls(Url(TranscodeLayout.Master), Url(TranscodeLayout.Poster), null, expiresAt);
    }

    public Task DeleteAsync(LessonVideo video, CancellationToken ct)
    {
        var directory = media.LessonDirectory(video.LessonId);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
        if (video.SourceFile is { } source && Path.GetFullPath(source).StartsWith(media.Incoming + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            File.Delete(source);
        }
        return Task.CompletedTask;
    }
}

/// <summary>File names inside a lesson's media directory that code outside the transcoder relies on.</summary>
public static class TranscodeLayout
{
    public const string Master = "master.m3u8";
    public const string Poster = "poster.jpg";
}
