using System.Diagnostics;
using System.Net;
using System.Runtime.Versioning;
using LearnStream.Api.Tests.Catalog;
using LearnStream.Api.Tests.Infrastructure;
using static LearnStream.Api.Tests.Video.LocalVideoTestApi;

namespace LearnStream.Api.Tests.Video;

/// <summary>
/// The transcode worker's queue: a job interrupted by a stop is finished by the next node to start on the
/// same stores and data directory, and an upload that replaces one being transcoded is not forgotten.
/// The nodes here run stand-in ffprobe scripts that hold the worker where the test needs it.
/// </summary>
public abstract class LocalVideoWorkerTests(StoreFixture fixture)
{
    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task A_job_interrupted_by_a_stop_is_finished_by_the_next_node_to_start()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "The stand-in ffprobe is a shell script and the check reads /proc.");
        // The first node's ffprobe never answers, so its job is certainly mid-flight when the node stops.
        var started = Path.Combine(fixture.DataPath, "probe-started");
        var hangingProbe = Path.Combine(fixture.DataPath, "hanging-ffprobe.sh");
        await File.WriteAllTextAsync(hangingProbe, $"#!/bin/sh\necho $$ > '{started}'\nexec sleep 300\n");
        File.SetUnixFileMode(hangingProbe, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var stopping = fixture.StartNode(new Dictionary<string, string?> { ["Video:Local:FfprobePath"] = hangingProbe });
        var client = stopping.CreateClient();
        var lesson = await client.VideoCourseAsync(owner: await fixture.SharedInstructorAsync());
        var token = lesson.Owner.Tokens.AccessToken;
        var uploadId = await client.UploadAsync(token, lesson.LessonId, await File.ReadAllBytesAsync(await ClipAsync()));
        var probePid = await WaitForPidAsync(started);

        await stopping.DisposeAsync();

        await WaitUntilAsync(() => !IsRunning(probePid), "the stopped node's ffprobe is still running");
        Assert.Equal("processing", (await fixture.App.CreateClient().VideoStatusAsync(token, lesson.LessonId)).Str("status"));
        Assert.Single(Directory.EnumerateFiles(Path.Combine(fixture.DataPath, "media", ".incoming"), uploadId + ".src"));

        var next = fixture.StartNode().CreateClient();
        var video = await next.WaitForVideoAsync(token, lesson.LessonId);

        Assert.True(video.Str("status") == "ready", video.GetRawText());
        Assert.Equal(ClipSeconds, video.GetProperty("duration").GetDouble(), tolerance: 0.5);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(fixture.DataPath, "media", ".incoming"), uploadId + "*"));
        using var master = await next.GetAsync((await next.PlaybackAsync(token, lesson.LessonId)).Str("streamUrl"));
        Assert.Equal(HttpStatusCode.OK, master.StatusCode);
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task An_upload_that_replaces_one_being_probed_is_processed_once_that_one_is_done()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "The stand-in ffprobe is a shell script.");
        var gate = await GatedNodeAsync("replaced-while-probed");
        var lesson = await gate.Client.VideoCourseAsync(owner: await fixture.SharedInstructorAsync());
        var token = lesson.Owner.Tokens.AccessToken;
        await gate.Client.UploadAsync(token, lesson.LessonId, NotVideo);
        await WaitUntilAsync(() => File.Exists(gate.Started), "the worker never ran ffprobe");

        await gate.Client.UploadAsync(token, lesson.LessonId, NotVideo);
        await File.WriteAllTextAsync(gate.Release, "");
        var video = await gate.Client.WaitForVideoAsync(token, lesson.LessonId);

        // The first job's outcome is dropped (the row names the replacement), so only a second job ends it.
        Assert.True(video.Str("status") == "errored", video.GetRawText());
        Assert.Contains("not a video", video.Str("error"), StringComparison.Ordinal);
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task An_upload_replaced_while_it_waits_in_the_queue_leaves_no_file_behind()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "The stand-in ffprobe is a shell script.");
        var gate = await GatedNodeAsync("replaced-while-queued");
        var busy = await gate.Client.VideoCourseAsync(owner: await fixture.SharedInstructorAsync());
        await gate.Client.UploadAsync(busy.Owner.Tokens.AccessToken, busy.LessonId, NotVideo);
        await WaitUntilAsync(() => File.Exists(gate.Started), "the worker never ran ffprobe");
        var waiting = await gate.Client.AddVideoLessonAsync(busy);
        var queued = await gate.Client.UploadAsync(waiting.Owner.Tokens.AccessToken, waiting.LessonId, NotVideo);
        var incoming = Path.Combine(fixture.DataPath, "media", ".incoming");
        Assert.Single(Directory.EnumerateFiles(incoming, queued + ".src"));

        await gate.Client.CreateUploadAsync(waiting.Owner.Tokens.AccessToken, waiting.LessonId);
        await File.WriteAllTextAsync(gate.Release, "");
        await gate.Client.WaitForVideoAsync(busy.Owner.Tokens.AccessToken, busy.LessonId);

        Assert.Empty(Directory.EnumerateFiles(incoming, queued + "*"));
        Assert.Equal("uploading", (await gate.Client.VideoStatusAsync(waiting.Owner.Tokens.AccessToken, waiting.LessonId)).Str("status"));
    }

    private static readonly byte[] NotVideo = "not a video; replaced or held before anything decodes it"u8.ToArray();

    private sealed record GatedNode(HttpClient Client, string Started, string Release);

    /// <summary>A node whose ffprobe waits until the test creates <see cref="GatedNode.Release"/>, then runs the real one.</summary>
    [SupportedOSPlatform("linux")]
    private async Task<GatedNode> GatedNodeAsync(string name)
    {
        var started = Path.Combine(fixture.DataPath, $"{name}-started");
        var release = Path.Combine(fixture.DataPath, $"{name}-release");
        var script = Path.Combine(fixture.DataPath, $"{name}-ffprobe.sh");
        await File.WriteAllTextAsync(script, $"#!/bin/sh\ntouch '{started}'\nwhile [ ! -e '{release}' ]; do sleep 0.1; done\nexec ffprobe \"$@\"\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new GatedNode(fixture.StartNode(new Dictionary<string, string?> { ["Video:Local:FfprobePath"] = script }).CreateClient(), started, release);
    }

    private static async Task<int> WaitForPidAsync(string file)
    {
        var pid = 0;
        await WaitUntilAsync(() => File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), out pid), "the worker never ran ffprobe");
        return pid;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return !stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z'); // a zombie runs nothing
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string failure)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TranscodeTimeout, failure);
            await Task.Delay(100);
        }
    }
}

public sealed class LocalVideoWorkerTests_Sqlite(SqliteFixture fixture) : LocalVideoWorkerTests(fixture), IClassFixture<SqliteFixture>;

public sealed class LocalVideoWorkerTests_Postgres(PostgresRedisFixture fixture) : LocalVideoWorkerTests(fixture), IClassFixture<PostgresRedisFixture>;
