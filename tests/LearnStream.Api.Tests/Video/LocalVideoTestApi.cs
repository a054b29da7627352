using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using LearnStream.Api.Tests.Catalog;
using LearnStream.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;

namespace LearnStream.Api.Tests.Video;

/// <summary>A video lesson, its course and section, and the instructor who owns them.</summary>
public sealed record VideoLesson(TestUser Owner, string CourseId, string SectionId, string LessonId);

/// <summary>Client-side steps of the self-hosted video tests: test clips, uploads, waiting for the transcoder, playback.</summary>
public static class LocalVideoTestApi
{
    /// <summary>Seconds of the test clip; the transcoder cuts 4-second segments, so it makes two per rendition.</summary>
    public const double ClipSeconds = 6;

    /// <summary>Generous for two busy cores: a transcode of the clip takes a few seconds, but test classes run side by side.</summary>
    public static readonly TimeSpan TranscodeTimeout = TimeSpan.FromMinutes(3);

    private static readonly Lazy<string> ClipDirectory = new(() =>
    {
        var directory = Directory.CreateTempSubdirectory("learnstream-clips-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // The OS cleans its temp directory.
            }
        };
        return directory;
    });

    private static readonly Lazy<Task<string>> Clip = new(() => Task.Run(() =>
    {
        // 320x240 makes the smallest ladder (240p and 160p), so a transcode costs about a second of CPU.
        var path = Path.Combine(ClipDirectory.Value, "clip.mp4");
        RunFfmpeg(["-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", $"testsrc=duration={ClipSeconds}:size=320x240:rate=25",
            "-f", "lavfi", "-i", $"sine=duration={ClipSeconds}",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", path]);
        return path;
    }));

    private static readonly ConditionalWeakTable<StoreFixture, ConcurrentDictionary<string, Lazy<Task<object>>>> Shared = new();

    public static string VideoUrl(string lessonId) => $"/api/v1/lessons/{lessonId}/video";

    public static string UploadsUrl(string lessonId) => $"/api/v1/lessons/{lessonId}/video/uploads";

    public static string PlaybackUrl(string lessonId) => $"/api/v1/lessons/{lessonId}/playback";

    /// <summary>A valid MP4 (H.264 and AAC, 320x240, <see cref="ClipSeconds"/> long), made once per test run.</summary>
    public static Task<string> ClipAsync() => Clip.Value;

    /// <summary>
    /// What a test class builds once and its tests share (a transcoded lesson): made on first use, kept
    /// for as long as the class fixture lives, so each store transcodes it once.
    /// </summary>
    public static async Task<T> SharedAsync<T>(this StoreFixture fixture, string name, Func<Task<T>> create) where T : class =>
        (T)await Shared.GetOrCreateValue(fixture)
            .GetOrAdd(name, _ => new Lazy<Task<object>>(async () => await create()))
            .Value;

    /// <summary>
    /// One instructor per test class and store, for tests where who owns the course does not matter: an
    /// instructor costs four password hashes, the slowest step of these tests after a transcode.
    /// </summary>
    public static Task<TestUser> SharedInstructorAsync(this StoreFixture fixture) =>
        fixture.SharedAsync("instructor", () => fixture.App.CreateClient().NewUserWithRoleAsync("instructor"));

    /// <summary>A course (published unless told otherwise) with one video lesson, owned by <paramref name="owner"/> or a new instructor.</summary>
    public static async Task<VideoLesson> VideoCourseAsync(this HttpClient client, bool publish = true, bool isPreview = false, TestUser? owner = null)
    {
        owner ??= await client.NewUserWithRoleAsync("instructor");
        var token = owner.Tokens.AccessToken;
        var course = await client.CreateCourseAsync(token, $"Video course {Marker()}");
        var section = await client.AddSectionAsync(token, course.Str("id"));
        var lesson = await client.AddLessonAsync(token, course.Str("id"), section.Str("id"), "Video lesson", kind: "video", body: null, isPreview: isPreview);
        if (publish)
        {
            await client.PublishAsync(token, course.Str("id"));
        }
        return new VideoLesson(owner, course.Str("id"), section.Str("id"), lesson.Str("id"));
    }

    /// <summary>Another video lesson in the same course and section.</summary>
    public static async Task<VideoLesson> AddVideoLessonAsync(this HttpClient client, VideoLesson sibling, bool isPreview = false)
    {
        var lesson = await client.AddLessonAsync(sibling.Owner.Tokens.AccessToken, sibling.CourseId, sibling.SectionId,
            "Video lesson", kind: "video", body: null, isPreview: isPreview);
        return sibling with { LessonId = lesson.Str("id") };
    }

    /// <summary>POST .../video/uploads as the holder of <paramref name="token"/>; asserts 201 and returns the body.</summary>
    public static async Task<JsonElement> CreateUploadAsync(this HttpClient client, string token, string lessonId)
    {
        using var response = await client.SendAsync(HttpMethod.Post, UploadsUrl(lessonId), token);
        var upload = await response.JsonAsync(HttpStatusCode.Created);
        Assert.Equal("local", upload.Str("provider"));
        Assert.Matches("^[0-9a-f]{32}$", upload.Str("uploadId"));
        Assert.EndsWith($"/api/v1/video/uploads/{upload.Str("uploadId")}", upload.Str("uploadUrl"), StringComparison.Ordinal);
        return upload;
    }

    /// <summary>PUTs bytes to an upload URL, anonymously as a browser would; the caller disposes the response.</summary>
    public static Task<HttpResponseMessage> PutUploadAsync(this HttpClient client, string uploadUrl, byte[] body, bool chunked = false)
    {
        HttpContent content = chunked ? new UnknownLengthContent(body) : new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return client.PutAsync(uploadUrl, content);
    }

    /// <summary>Creates an upload for the lesson and PUTs <paramref name="body"/> to it; asserts 202.</summary>
    public static async Task<string> UploadAsync(this HttpClient client, string token, string lessonId, byte[] body)
    {
        var upload = await client.CreateUploadAsync(token, lessonId);
        using var put = await client.PutUploadAsync(upload.Str("uploadUrl"), body);
        var receipt = await put.JsonAsync(HttpStatusCode.Accepted);
        Assert.Equal("processing", receipt.Str("status"));
        Assert.Equal(body.Length, receipt.GetProperty("bytes").GetInt64());
        return upload.Str("uploadId");
    }

    /// <summary>GET .../video as the holder of <paramref name="token"/>; asserts 200.</summary>
    public static async Task<JsonElement> VideoStatusAsync(this HttpClient client, string token, string lessonId)
    {
        using var response = await client.SendAsync(HttpMethod.Get, VideoUrl(lessonId), token);
        return await response.JsonAsync(HttpStatusCode.OK);
    }

    /// <summary>Polls GET .../video until the transcoder is done with the lesson (ready or errored); fails after <see cref="TranscodeTimeout"/>.</summary>
    public static async Task<JsonElement> WaitForVideoAsync(this HttpClient client, string token, string lessonId)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var video = await client.VideoStatusAsync(token, lessonId);
            if (video.Str("status") is "ready" or "errored")
            {
                return video;
            }
            Assert.True(clock.Elapsed < TranscodeTimeout, $"lesson {lessonId} still {video.Str("status")} after {clock.Elapsed}: {video.GetRawText()}");
            await Task.Delay(200);
        }
    }

    /// <summary>Uploads the test clip to the lesson and waits until it is ready.</summary>
    public static async Task<JsonElement> UploadClipUntilReadyAsync(this HttpClient client, VideoLesson lesson)
    {
        var token = lesson.Owner.Tokens.AccessToken;
        await client.UploadAsync(token, lesson.LessonId, await File.ReadAllBytesAsync(await ClipAsync()));
        var video = await client.WaitForVideoAsync(token, lesson.LessonId);
        Assert.True(video.Str("status") == "ready", video.GetRawText());
        return video;
    }

    /// <summary>A published course whose video lesson has the test clip transcoded and ready.</summary>
    public static async Task<VideoLesson> ReadyVideoLessonAsync(this HttpClient client)
    {
        var lesson = await client.VideoCourseAsync();
        await client.UploadClipUntilReadyAsync(lesson);
        return lesson;
    }

    /// <summary>GET .../playback as the holder of <paramref name="token"/> (anonymous when null); asserts 200.</summary>
    public static async Task<JsonElement> PlaybackAsync(this HttpClient client, string? token, string lessonId)
    {
        using var response = await client.SendAsync(HttpMethod.Get, PlaybackUrl(lessonId), token);
        return await response.JsonAsync(HttpStatusCode.OK);
    }

    /// <summary>The <c>token</c> query parameter of a media URL, still percent-encoded as sent.</summary>
    public static string MediaToken(string url)
    {
        var query = new Uri(url).Query.TrimStart('?');
        var token = query.Split('&').Select(p => p.Split('=', 2)).Single(p => p[0] == "token")[1];
        Assert.False(string.IsNullOrEmpty(token));
        return token;
    }

    /// <summary>The URI lines of a playlist (everything that is not a tag or blank).</summary>
    public static List<string> PlaylistUris(string playlist) =>
        [.. playlist.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];

    /// <summary>
    /// GETs a path exactly as written, bypassing HttpClient (which removes dot segments): what the app sees
    /// behind a server or proxy that passes the request line on without decoding or normalising it.
    /// </summary>
    public static async Task<(HttpStatusCode Status, string Body)> GetRawAsync(this TestServer server, string pathAndQuery)
    {
        var query = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var context = await server.SendAsync(c =>
        {
            c.Request.Method = HttpMethods.Get;
            c.Request.Path = new PathString(query < 0 ? pathAndQuery : pathAndQuery[..query]);
            c.Request.QueryString = query < 0 ? QueryString.Empty : new QueryString(pathAndQuery[query..]);
        });
        using var reader = new StreamReader(context.Response.Body);
        return ((HttpStatusCode)context.Response.StatusCode, await reader.ReadToEndAsync());
    }

    private static void RunFfmpeg(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("ffmpeg did not start; scripts/services.sh start installs it.");
        var errors = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("ffmpeg took too long to make the test clip.");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ffmpeg could not make the test clip: {errors.Result}");
        }
    }

    /// <summary>A body whose length is not declared, so it goes out chunked and only the server's streaming cap can stop it.</summary>
    private sealed class UnknownLengthContent(byte[] bytes) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var offset = 0; offset < bytes.Length; offset += 64 * 1024)
            {
                await stream.WriteAsync(bytes.AsMemory(offset, Math.Min(64 * 1024, bytes.Length - offset)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
