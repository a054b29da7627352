using System.Diagnostics;
using LearnStream.Api.Features.Video.Local;

namespace LearnStream.Tests.Video.Local;

public sealed class FfmpegTranscoderLifecycleTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("transcode-lifecycle-").FullName;

    private string MediaRoot => Path.Combine(_directory, "media");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Cancelling_kills_ffmpeg_and_leaves_no_set_and_no_staging_directory()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "Finds the ffmpeg process through /proc.");
        var source = Path.Combine(_directory, "long-lecture.mp4");
        FfmpegTestTool.MakeClip(source, 640, 360, seconds: 60, withAudio: true);
        // A slow preset keeps ffmpeg busy long enough to be caught mid-encode.
        var transcoder = new FfmpegTranscoder(x264Preset: "veryslow", threads: 1);
        var probe = await transcoder.ProbeAsync(source, CancellationToken.None);
        using var cancellation = new CancellationTokenSource();
        var output = Path.Combine(MediaRoot, "lesson-1");

        var transcode = transcoder.TranscodeAsync(source, output, probe, cancellation.Token);
        var running = await WaitForAsync(() => FfmpegTestTool.ProcessesMentioning(source), TimeSpan.FromSeconds(20));
        // Below-normal priority, on every encoder thread, so a transcode never slows the API's requests.
        var niceness = running.Count == 0 ? [] : await WaitForAsync(
            () => ThreadNiceness(running[0]) is { Count: > 0 } n && n.TrueForAll(x => x > 0) ? n : [], TimeSpan.FromSeconds(5));
        // Cancel before asserting, so a failed assertion never leaves an encoder running.
        var stopwatch = Stopwatch.StartNew();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => transcode);
        Assert.NotEmpty(running);
        Assert.NotEmpty(niceness);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"cancellation took {stopwatch.Elapsed}");
        Assert.Empty(FfmpegTestTool.ProcessesMentioning(source));
        Assert.Empty(Directory.EnumerateFileSystemEntries(MediaRoot));
    }

    [Fact]
    public async Task When_ffmpeg_fails_its_error_is_reported_and_nothing_is_left_behind()
    {
        // A probe that wrongly vouches for garbage gets ffmpeg as far as decoding it.
        var source = Path.Combine(_directory, "corrupt.mp4");
        await File.WriteAllBytesAsync(source, new byte[64 * 1024]);
        var vouched = new ProbeResult(true, null, 10, 320, 240, false, "mov", 0, null);

        var result = await new FfmpegTranscoder(x264Preset: "ultrafast").TranscodeAsync(source, Path.Combine(MediaRoot, "lesson-2"), vouched, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.StartsWith("ffmpeg could not encode the video: ", result.Error, StringComparison.Ordinal);
        Assert.Contains("corrupt.mp4", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(_directory, result.Error, StringComparison.Ordinal);
        Assert.Null(result.MasterPlaylistPath);
        Assert.Empty(Directory.EnumerateFileSystemEntries(MediaRoot));
    }

    [Fact]
    public async Task Transcoding_again_replaces_the_previous_set_whole()
    {
        var transcoder = new FfmpegTranscoder(x264Preset: "ultrafast");
        var output = Path.Combine(MediaRoot, "lesson-3");
        var first = Path.Combine(_directory, "first.mp4");
        var second = Path.Combine(_directory, "second.mp4");
        FfmpegTestTool.MakeClip(first, 320, 240, seconds: 10, withAudio: false);
        FfmpegTestTool.MakeClip(second, 160, 120, seconds: 5, withAudio: false);
        Assert.True((await transcoder.TranscodeAsync(first, output, await transcoder.ProbeAsync(first, CancellationToken.None), CancellationToken.None)).Succeeded);
        await File.WriteAllTextAsync(Path.Combine(output, "240p", "stale.ts"), "from the first set");

        var result = await transcoder.TranscodeAsync(second, output, await transcoder.ProbeAsync(second, CancellationToken.None), CancellationToken.None);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal([120, 80], result.Renditions.Select(r => r.Height));
        Assert.False(Directory.Exists(Path.Combine(output, "240p")));
        Assert.Equal(["lesson-3"], Directory.EnumerateFileSystemEntries(MediaRoot).Select(Path.GetFileName));
    }

    /// <summary>The nice value of each thread of a process: field 19 of /proc/{pid}/task/{tid}/stat.</summary>
    private static List<int> ThreadNiceness(int pid)
    {
        try
        {
            return [.. Directory.EnumerateDirectories($"/proc/{pid}/task").Select(task =>
            {
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                return int.Parse(fields[16], System.Globalization.CultureInfo.InvariantCulture);
            })];
        }
        catch (IOException)
        {
            return [];
        }
    }

    private static async Task<List<int>> WaitForAsync(Func<List<int>> find, TimeSpan timeout)
    {
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < timeout)
        {
            if (find() is { Count: > 0 } found)
            {
                return found;
            }
            await Task.Delay(50);
        }
        return [];
    }
}
