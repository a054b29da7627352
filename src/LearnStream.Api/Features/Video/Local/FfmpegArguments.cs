using System.Globalization;

namespace LearnStream.Api.Features.Video.Local;

/// <summary>
/// The ffprobe and ffmpeg command lines. Paths written by ffmpeg are relative to the staging directory it
/// runs in, so no directory name ever meets ffmpeg's <c>%</c> filename templates.
/// </summary>
internal static class FfmpegArguments
{
    /// <summary>
    /// Segments are cut at the first keyframe at or after each multiple of this, and a keyframe is forced at
    /// exactly those times, so every segment but the last lasts this long: short enough to start and switch
    /// renditions quickly, long enough to keep the request count and per-segment overhead low.
    /// </summary>
    public const int SegmentSeconds = 4;

    public const string MasterPlaylistName = "master.m3u8";
    public const string MediaPlaylistName = "index.m3u8";
    public const string PosterName = "poster.jpg";

    // Only local files: no network protocol can be reached through a crafted input.
    private static readonly string[] InputSafety = ["-protocol_whitelist", "file"];

    public static IEnumerable<string> Probe(string input) =>
    [
        "-v", "error", .. InputSafety,
        "-print_format", "json", "-show_format", "-show_streams",
        InputUrl(input),
    ];

    public static IEnumerable<string> Hls(string input, ProbeResult probe, IReadOnlyList<HlsRenditionPlan> plan, string x264Preset, int threads)
    {
        var split = $"[0:{probe.VideoStreamIndex}]split={plan.Count}{string.Concat(plan.Select((_, i) => $"[s{i}]"))}";
        var scales = plan.Select((r, i) => $"[s{i}]scale=-2:{r.Height}[v{i}]");
        List<string> args =
        [
            "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error", "-y",
            .. InputSafety, "-f", probe.FormatName!, "-i", InputUrl(input),
            "-filter_complex", string.Join(';', [split, .. scales]),
        ];
        for (var i = 0; i < plan.Count; i++)
        {
            args.AddRange(["-map", $"[v{i}]"]);
            if (probe.AudioStreamIndex is { } audio)
            {
                args.AddRange(["-map", $"0:{audio}"]);
            }
        }
        args.AddRange(
        [
            // Phones store the location in metadata; none of it belongs on a course platform.
            "-map_metadata", "-1", "-map_chapters", "-1",
            "-c:v", "libx264", "-preset", x264Preset, "-profile:v", "high", "-pix_fmt", "yuv420p", "-crf", "23",
            "-sc_threshold", "0", "-forced-idr", "1",
            "-force_key_frames", $"expr:gte(t,n_forced*{SegmentSeconds})",
            "-threads", threads.ToString(CultureInfo.InvariantCulture),
        ]);
        for (var i = 0; i < plan.Count; i++)
        {
            // Capped CRF: constant quality, but never above the peak the playlist's BANDWIDTH promises.
            var kbps = plan[i].MaxVideoKbps;
            args.AddRange([$"-maxrate:v:{i}", $"{kbps}k", $"-bufsize:v:{i}", $"{kbps * 2}k"]);
        }
        if (probe.AudioStreamIndex is not null)
        {
            args.AddRange(["-c:a", "aac", "-b:a", "128k", "-ac", "2", "-ar", "48000"]);
        }
        var streamMap = plan.Select((r, i) => probe.AudioStreamIndex is null ? $"v:{i},name:{r.Name}" : $"v:{i},a:{i},name:{r.Name}");
        args.AddRange(
        [
            "-f", "hls", "-hls_time", SegmentSeconds.ToString(CultureInfo.InvariantCulture),
            "-hls_playlist_type", "vod", "-hls_segment_type", "mpegts", "-hls_flags", "independent_segments",
            "-hls_segment_filename", "%v/seg_%03d.ts",
            "-master_pl_name", MasterPlaylistName,
            "-var_stream_map", string.Join(' ', streamMap),
            $"%v/{MediaPlaylistName}",
        ]);
        return args;
    }

    public static IEnumerable<string> Poster(string input, ProbeResult probe, int height, double atSeconds) =>
    [
        "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error", "-y",
        "-ss", atSeconds.ToString("0.###", CultureInfo.InvariantCulture),
        .. InputSafety, "-f", probe.FormatName!, "-i", InputUrl(input),
        "-map", $"0:{probe.VideoStreamIndex}", "-frames:v", "1",
        "-vf", $"scale=-2:{height}", "-q:v", "3", "-update", "1", "-f", "image2",
        PosterName,
    ];

    /// <summary>An explicit <c>file:</c> URL keeps a name such as <c>http:x.mp4</c> or <c>concat:a|b</c> a plain file name.</summary>
    private static string InputUrl(string input) => "file:" + Path.GetFullPath(input);
}
