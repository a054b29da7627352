using System.Net;
using System.Text;
using System.Text.Json;
using LearnStream.Api.Tests.Catalog;
using LearnStream.Api.Tests.Infrastructure;
using static LearnStream.Api.Tests.Video.LocalVideoTestApi;

namespace LearnStream.Api.Tests.Video;

/// <summary>
/// The upload URL (<c>PUT /api/v1/video/uploads/{uploadId}</c>) and what the worker makes of files that are
/// not video. The stack caps uploads at <see cref="LocalUploadCap.Bytes"/>.
/// </summary>
public abstract class LocalVideoUploadTests(StoreFixture fixture)
{
    private static readonly byte[] Text = Encoding.UTF8.GetBytes(
        string.Concat(Enumerable.Range(0, 200).Select(i => $"Line {i} of the lecture notes, nothing to watch.\n")));

    private readonly HttpClient _client = fixture.App.CreateClient();

    /// <summary>Noise from a fixed seed, so a failure can be replayed with the same bytes.</summary>
    private static byte[] Noise(int length, int seed = 5)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>
    /// The factory's default client buffers request bodies (to replay them on redirects), which gives them a
    /// length; the test server's own client streams a body of unknown length as it is written.
    /// </summary>
    private HttpClient Uploader(bool chunked) => chunked ? fixture.App.Server.CreateClient() : _client;

    private string Incoming => Path.Combine(fixture.DataPath, "media", ".incoming");

    private async Task<(VideoLesson Lesson, string UploadUrl)> OpenUploadAsync()
    {
        var lesson = await _client.VideoCourseAsync(publish: false, owner: await fixture.SharedInstructorAsync());
        var upload = await _client.CreateUploadAsync(lesson.Owner.Tokens.AccessToken, lesson.LessonId);
        return (lesson, upload.Str("uploadUrl"));
    }

    private async Task<string> StatusAsync(VideoLesson lesson) =>
        (await _client.VideoStatusAsync(lesson.Owner.Tokens.AccessToken, lesson.LessonId)).Str("status");

    [Theory]
    [InlineData("00000000000000000000000000000000")]
    [InlineData("0123456789abcdef0123456789abcdef")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("short")]
    [InlineData("..%2F..%2Fkeys")]
    public async Task A_put_to_an_unknown_upload_id_is_404(string uploadId)
    {
        using var response = await _client.PutUploadAsync($"/api/v1/video/uploads/{uploadId}", Text);

        await response.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_put_to_an_upload_id_already_used_is_404_and_changes_nothing()
    {
        var (lesson, uploadUrl) = await OpenUploadAsync();
        using (var first = await _client.PutUploadAsync(uploadUrl, Text))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        }

        using var second = await _client.PutUploadAsync(uploadUrl, Noise(1000));

        await second.ProblemAsync(HttpStatusCode.NotFound);
        var video = await _client.WaitForVideoAsync(lesson.Owner.Tokens.AccessToken, lesson.LessonId);
        Assert.Equal("errored", video.Str("status"));
        Assert.Contains("not a video", video.Str("error"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_body_is_400_and_the_upload_stays_open()
    {
        var (lesson, uploadUrl) = await OpenUploadAsync();

        using var empty = await _client.PutUploadAsync(uploadUrl, []);

        await empty.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("uploading", await StatusAsync(lesson));
        using var retry = await _client.PutUploadAsync(uploadUrl, Text);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_body_over_the_cap_is_413_leaves_nothing_behind_and_the_upload_stays_open(bool chunked)
    {
        var (lesson, uploadUrl) = await OpenUploadAsync();
        var uploadId = uploadUrl[(uploadUrl.LastIndexOf('/') + 1)..];

        using var tooLarge = await Uploader(chunked).PutUploadAsync(uploadUrl, Noise((int)LocalUploadCap.Bytes + 1), chunked);

        await tooLarge.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(chunked, tooLarge.RequestMessage?.Content?.Headers.ContentLength is null);
        Assert.Equal("uploading", await StatusAsync(lesson));
        Assert.Empty(Directory.EnumerateFiles(Incoming, uploadId + "*"));
        using var retry = await _client.PutUploadAsync(uploadUrl, Text);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
    }

    [Fact]
    public async Task A_body_of_exactly_the_cap_is_accepted()
    {
        var (_, uploadUrl) = await OpenUploadAsync();

        using var response = await Uploader(chunked: true).PutUploadAsync(uploadUrl, Noise((int)LocalUploadCap.Bytes), chunked: true);

        Assert.Equal(LocalUploadCap.Bytes, (await response.JsonAsync(HttpStatusCode.Accepted)).GetProperty("bytes").GetInt64());
    }

    [Fact]
    public async Task A_second_put_while_the_first_is_still_streaming_is_409_and_the_first_completes()
    {
        var (lesson, uploadUrl) = await OpenUploadAsync();
        var uploadId = uploadUrl[(uploadUrl.LastIndexOf('/') + 1)..];
        var halfSent = new TaskCompletionSource();
        var finish = new TaskCompletionSource();
        var first = Uploader(chunked: true).PutAsync(uploadUrl, new PausingContent(Text, halfSent, finish.Task));
        await halfSent.Task.WaitAsync(TranscodeTimeout);
        await WaitUntilReceivingAsync(uploadId);

        using (var second = await _client.PutUploadAsync(uploadUrl, Text))
        {
            await second.ProblemAsync(HttpStatusCode.Conflict);
        }
        finish.SetResult();

        using var completed = await first;
        Assert.Equal(Text.Length, (await completed.JsonAsync(HttpStatusCode.Accepted)).GetProperty("bytes").GetInt64());
        Assert.NotEqual("uploading", await StatusAsync(lesson));
    }

    private async Task WaitUntilReceivingAsync(string uploadId)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!File.Exists(Path.Combine(Incoming, uploadId + ".part")))
        {
            Assert.True(clock.Elapsed < TranscodeTimeout, "the first PUT never reached the handler");
            await Task.Delay(20);
        }
    }

    /// <summary>Sends half of the body, then waits for the test before sending the rest: an upload in flight.</summary>
    private sealed class PausingContent(byte[] bytes, TaskCompletionSource halfSent, Task resume) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
            await stream.FlushAsync();
            halfSent.SetResult();
            await resume;
            await stream.WriteAsync(bytes.AsMemory(bytes.Length / 2));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    [Fact]
    public async Task A_new_upload_replaces_the_previous_one_whose_url_then_answers_404()
    {
        var (lesson, oldUrl) = await OpenUploadAsync();

        var replacement = await _client.CreateUploadAsync(lesson.Owner.Tokens.AccessToken, lesson.LessonId);

        Assert.NotEqual(oldUrl, replacement.Str("uploadUrl"));
        using (var old = await _client.PutUploadAsync(oldUrl, Text))
        {
            await old.ProblemAsync(HttpStatusCode.NotFound);
        }
        Assert.Equal("uploading", await StatusAsync(lesson));
        using var current = await _client.PutUploadAsync(replacement.Str("uploadUrl"), Text);
        Assert.Equal(HttpStatusCode.Accepted, current.StatusCode);
    }

    [Fact]
    public async Task Text_and_noise_end_errored_with_a_message_the_service_stays_healthy_and_a_real_video_then_works()
    {
        var lesson = await _client.VideoCourseAsync(owner: await fixture.SharedInstructorAsync());
        var token = lesson.Owner.Tokens.AccessToken;

        foreach (var body in new[] { Text, Noise(200_000) })
        {
            await _client.UploadAsync(token, lesson.LessonId, body);
            var video = await _client.WaitForVideoAsync(token, lesson.LessonId);
            Assert.Equal("errored", video.Str("status"));
            var error = video.Str("error");
            Assert.Contains("not a video", error, StringComparison.Ordinal);
            Assert.DoesNotContain(fixture.DataPath, error, StringComparison.Ordinal);
            Assert.Equal(JsonValueKind.Null, video.GetProperty("duration").ValueKind);
            using var playback = await _client.SendAsync(HttpMethod.Get, PlaybackUrl(lesson.LessonId), token);
            await playback.ProblemAsync(HttpStatusCode.Conflict);
            using var live = await _client.GetAsync("/health/live");
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        var uploadId = await _client.UploadAsync(token, lesson.LessonId, await File.ReadAllBytesAsync(await ClipAsync()));
        var ready = await _client.WaitForVideoAsync(token, lesson.LessonId);

        Assert.Equal("ready", ready.Str("status"));
        Assert.Equal(JsonValueKind.Null, ready.GetProperty("error").ValueKind);
        Assert.Empty(Directory.EnumerateFiles(Incoming, uploadId + "*"));
        await _client.PlaybackAsync(token, lesson.LessonId);
    }
}

public sealed class LocalVideoUploadTests_Sqlite(LocalUploadCapSqliteFixture fixture) : LocalVideoUploadTests(fixture), IClassFixture<LocalUploadCapSqliteFixture>;

public sealed class LocalVideoUploadTests_Postgres(LocalUploadCapPostgresFixture fixture) : LocalVideoUploadTests(fixture), IClassFixture<LocalUploadCapPostgresFixture>;
