using LearnStream.Api.Features.Video.Local;

namespace LearnStream.Tests.Video.Local;

/// <summary>
/// Two clips made with real ffmpeg and transcoded once for all assertions: 1280x720 with sound, and
/// 320x240 without (smaller than every rung of the ladder).
/// </summary>
public sealed class TranscodedClips : IAsyncLifetime
{
    public string Root { get; } = Directory.CreateTempSubdirectory("transcoded-clips-").FullName;

    public string MediaRoot => Path.Combine(Root, "media");

    public Clip Large { get; private set; } = null!;

    public Clip Small { get; private set; } = null!;

    public Clip this[string name] => name == "large" ? Large : Small;

    public async ValueTask InitializeAsync()
    {
        var transcoder = new FfmpegTranscoder(x264Preset: "ultrafast");
        Large = await MakeAsync(transcoder, "large", 1280, 720, withAudio: true);
        Small = await MakeAsync(transcoder, "small", 320, 240, withAudio: false);
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(Root, recursive: true);
        return ValueTask.CompletedTask;
    }

    private async Task<Clip> MakeAsync(FfmpegTranscoder transcoder, string name, int width, int height, bool withAudio)
    {
        var source = Path.Combine(Root, $"{name}.mp4");
        FfmpegTestTool.MakeClip(source, width, height, seconds: 10, withAudio);
        var probe = await transcoder.ProbeAsync(source, CancellationToken.None);
        var output = Path.Combine(MediaRoot, $"lesson-{name}");
        var result = await transcoder.TranscodeAsync(source, output, probe, CancellationToken.None);
        return new Clip(source, output, probe, result);
    }
}

public sealed record Clip(string Source, string Output, ProbeResult Probe, TranscodeResult Result);
