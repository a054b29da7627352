namespace LearnStream.Api.Features.Video.Local;

/// <summary>
/// Turns an uploaded video into an HLS set: <c>master.m3u8</c>, one directory per rendition with
/// <c>index.m3u8</c> and 4-second H.264/AAC segments, and <c>poster.jpg</c>. Runs the ffprobe and ffmpeg
/// executables named in <see cref="LocalVideoOptions"/> (bare names are looked up on PATH).
/// </summary>
public sealed class FfmpegTranscoder
{
    /// <summary>A healthy probe takes well under a second; a file built to stall the demuxer must not hold the queue.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(60);

    private const int MaxProbeOutputChars = 1024 * 1024;

    private readonly string _ffmpegPath;
    private readonly string _ffprobePath;
    private readonly string _x264Preset;
    private readonly int _threads;

    /// <param name="x264Preset">"veryfast" gives most of the quality of slower presets at a fraction of the CPU a small server has.</param>
    /// <param name="threads">
    /// Encoder threads; by default one per core, since transcodes run one at a time at below-normal priority
    /// and so can use the whole machine without delaying requests.
    /// </param>
    public FfmpegTranscoder(string ffmpegPath = "ffmpeg", string ffprobePath = "ffprobe", string x264Preset = "veryfast", int? threads = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ffmpegPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(ffprobePath);
        ArgumentException.ThrowIfNullOrWhiteSpace(x264Preset);
        _ffmpegPath = ffmpegPath;
        _ffprobePath = ffprobePath;
        _x264Preset = x264Preset;
        _threads = Math.Clamp(threads ?? Environment.ProcessorCount, 1, 16);
    }

    public FfmpegTranscoder(LocalVideoOptions options)
        : this(options?.FfmpegPath ?? throw new ArgumentNullException(nameof(options)), options.FfprobePath)
    {
    }

    /// <summary>
    /// Describes <paramref name="file"/>. Anything that is not a usable video (text, random bytes, audio only,
    /// a still image, a playlist) comes back with <see cref="ProbeResult.IsVideo"/> false and a message; only
    /// a missing ffprobe or the caller's cancellation throw.
    /// </summary>
    public async Task<ProbeResult> ProbeAsync(string file, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        if (!File.Exists(file))
        {
            return ProbeResult.NotVideo("The uploaded file is missing.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        ToolRun run;
        try
        {
            run = await ExternalTool.RunAsync(_ffprobePath, FfmpegArguments.Probe(file), null, MaxProbeOutputChars,
                belowNormalPriority: false, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ProbeResult.NotVideo($"The file could not be examined within {ProbeTimeout.TotalSeconds:0} seconds.");
        }

        if (run.ExitCode != 0)
        {
            var reason = LastLine(HidePath(run.ErrorTail, file));
            return ProbeResult.NotVideo(reason.Length == 0
                ? "The file is not a video that can be read."
                : $"The file is not a video that can be read ({reason}).");
        }
        return run.OutputTruncated
            ? ProbeResult.NotVideo("The file could not be examined: it describes too many streams.")
            : ProbeResult.FromFfprobeJson(run.StandardOutput);
    }

    /// <summary>
    /// Encodes <paramref name="input"/> into an HLS set at <paramref name="outputDirectory"/>, replacing any set
    /// already there. The set is written to a hidden sibling directory and renamed into place at the end, so
    /// a failure, a cancellation or a crash never leaves a partial set at the final path. Cancelling kills ffmpeg.
    /// </summary>
    public async Task<TranscodeResult> TranscodeAsync(string input, string outputDirectory, ProbeResult probe, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(input);
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        ArgumentNullException.ThrowIfNull(probe);
        if (!probe.IsVideo || probe.FormatName is null)
        {
            return TranscodeResult.Failed(probe.Message ?? "The file is not a video.");
        }
        if (probe.Height < HlsLadder.MinimumSourceHeight)
        {
            return TranscodeResult.Failed($"The video is only {probe.Height} pixels tall; at least {HlsLadder.MinimumSourceHeight} are needed.");
        }

        var plan = HlsLadder.For(probe.Height);
        using var staging = StagingDirectory.Create(outputDirectory);

        var encode = await RunFfmpegAsync(FfmpegArguments.Hls(input, probe, plan, _x264Preset, _threads), staging.Path, cancellationToken);
        if (encode.ExitCode != 0)
        {
            return TranscodeResult.Failed($"ffmpeg could not encode the video: {HidePath(encode.ErrorTail, input).Trim()}");
        }
        var posterError = await WritePosterAsync(input, probe, plan[0].Height, staging.Path, cancellationToken);
        if (posterError is not null)
        {
            return TranscodeResult.Failed(posterError);
        }

        var masterPath = Path.Combine(staging.Path, FfmpegArguments.MasterPlaylistName);
        var master = File.Exists(masterPath) ? await File.ReadAllTextAsync(masterPath, cancellationToken) : "";
        if (HlsRendition.ReadFromMaster(master, staging.Path) is not { Count: >= 2 } staged || !staged.TrueForAll(r => File.Exists(r.PlaylistPath)))
        {
            return TranscodeResult.Failed("ffmpeg finished without writing every playlist.");
        }

        staging.Publish();
        var final = Path.TrimEndingDirectorySeparator(Path.GetFullPath(outputDirectory));
        return new TranscodeResult(
            Path.Combine(final, FfmpegArguments.MasterPlaylistName),
            Path.Combine(final, FfmpegArguments.PosterName),
            HlsRendition.ReadFromMaster(master, final),
            Error: null);
    }

    /// <summary>A frame a tenth of the way in, at most 10 s, skips black lead-in; the first frame is the fallback.</summary>
    private async Task<string?> WritePosterAsync(string input, ProbeResult probe, int height, string directory, CancellationToken cancellationToken)
    {
        var poster = Path.Combine(directory, FfmpegArguments.PosterName);
        ToolRun? last = null;
        foreach (var at in new[] { Math.Min(probe.DurationSeconds / 10, 10), 0 })
        {
            last = await RunFfmpegAsync(FfmpegArguments.Poster(input, probe, height, at), directory, cancellationToken);
            if (last.ExitCode == 0 && new FileInfo(poster) is { Exists: true, Length: > 0 })
            {
                return null;
            }
        }
        return $"ffmpeg could not take a poster frame: {HidePath(last?.ErrorTail ?? "", input).Trim()}";
    }

    private Task<ToolRun> RunFfmpegAsync(IEnumerable<string> arguments, string workingDirectory, CancellationToken cancellationToken) =>
        ExternalTool.RunAsync(_ffmpegPath, arguments, workingDirectory, maxOutputChars: 64 * 1024, belowNormalPriority: true, cancellationToken);

    /// <summary>Messages reach instructors; they name the upload, not where the server keeps it.</summary>
    private static string HidePath(string text, string file)
    {
        var full = Path.GetFullPath(file);
        var name = Path.GetFileName(full);
        return text.Replace("file:" + full, name, StringComparison.Ordinal).Replace(full, name, StringComparison.Ordinal);
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
}
