using System.Security.Cryptography;
using System.Text;
using LearnStream.Api.Features.Video.Local;

namespace LearnStream.Tests.Video.Local;

public sealed class FfmpegProbeTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("probe-").FullName;
    private readonly FfmpegTranscoder _transcoder = new();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_short_text_file_is_not_video()
    {
        var result = await Probe("notes.txt", Encoding.UTF8.GetBytes("Week 1: bring a laptop.\n"));

        AssertNotVideo(result);
    }

    [Fact]
    public async Task Long_text_that_ffprobe_reads_as_tty_art_is_not_video()
    {
        // ffprobe reports a .txt file of this size as a 640x400 "ansi" video stream lasting seconds.
        var text = string.Concat(Enumerable.Range(0, 2000).Select(i => $"Line {i} of the lecture notes, nothing to watch.\n"));

        var result = await Probe("lecture-notes.txt", Encoding.UTF8.GetBytes(text));

        AssertNotVideo(result);
        Assert.Contains("text", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Random_bytes_are_not_video()
    {
        var result = await Probe("upload.mp4", RandomNumberGenerator.GetBytes(200_000));

        AssertNotVideo(result);
        Assert.DoesNotContain(_directory, result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audio_only_is_not_video_and_says_so()
    {
        var path = Path.Combine(_directory, "podcast.m4a");
        FfmpegTestTool.MakeAudioOnly(path, seconds: 2);

        var result = await _transcoder.ProbeAsync(path, CancellationToken.None);

        AssertNotVideo(result);
        Assert.Contains("no picture", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_still_image_is_not_video()
    {
        var path = Path.Combine(_directory, "slide.jpg");
        FfmpegTestTool.MakeStill(path);

        var result = await _transcoder.ProbeAsync(path, CancellationToken.None);

        AssertNotVideo(result);
        Assert.Contains("still image", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_hls_playlist_disguised_as_a_video_is_refused_before_ffmpeg_follows_it()
    {
        // The classic attack: a "video" that is a playlist pointing at server files.
        var segment = Path.Combine(_directory, "real.ts");
        FfmpegTestTool.Run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=duration=2:size=160x120", "-c:v", "libx264", "-preset", "ultrafast", segment]);
        var playlist = $"#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n{segment}\n#EXT-X-ENDLIST\n";

        var result = await Probe("lecture.mp4", Encoding.UTF8.GetBytes(playlist));

        AssertNotVideo(result);
        Assert.Contains("(hls) is not accepted", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_is_reported_not_thrown()
    {
        var result = await _transcoder.ProbeAsync(Path.Combine(_directory, "gone.mp4"), CancellationToken.None);

        AssertNotVideo(result);
    }

    [Fact]
    public async Task A_missing_ffprobe_is_a_configuration_error_that_names_the_setting()
    {
        var path = Path.Combine(_directory, "clip.mp4");
        await File.WriteAllBytesAsync(path, [0]);
        var misconfigured = new FfmpegTranscoder(ffprobePath: Path.Combine(_directory, "no-such-ffprobe"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => misconfigured.ProbeAsync(path, CancellationToken.None));

        Assert.Contains("FfprobePath", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_is_not_video_is_not_transcoded()
    {
        var result = await _transcoder.TranscodeAsync(
            Path.Combine(_directory, "notes.txt"), Path.Combine(_directory, "out"), ProbeResult.NotVideo("The file is text, not a video."), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal("The file is text, not a video.", result.Error);
        Assert.False(Directory.Exists(Path.Combine(_directory, "out")));
    }

    private async Task<ProbeResult> Probe(string name, byte[] content)
    {
        var path = Path.Combine(_directory, name);
        await File.WriteAllBytesAsync(path, content);
        return await _transcoder.ProbeAsync(path, CancellationToken.None);
    }

    private static void AssertNotVideo(ProbeResult result)
    {
        Assert.False(result.IsVideo);
        Assert.False(string.IsNullOrWhiteSpace(result.Message));
        Assert.Equal(0, result.Height);
        Assert.Null(result.FormatName);
    }
}
