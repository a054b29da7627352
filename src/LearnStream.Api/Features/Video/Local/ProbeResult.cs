using System.Globalization;
using System.Text.Json;

namespace LearnStream.Api.Features.Video.Local;

/// <summary>
/// What ffprobe found in an upload. <see cref="Width"/> and <see cref="Height"/> are as displayed (rotation
/// applied), which is what ffmpeg produces by default. When <see cref="IsVideo"/> is false, <see cref="Message"/>
/// says why in words fit for the instructor who uploaded it.
/// </summary>
public sealed record ProbeResult(
    bool IsVideo,
    string? Message,
    double DurationSeconds,
    int Width,
    int Height,
    bool HasAudio,
    string? FormatName,
    int VideoStreamIndex,
    int? AudioStreamIndex)
{
    /// <summary>
    /// Containers a camera, phone or screen recorder writes. Anything else is refused before ffmpeg decodes
    /// it: playlist and concat formats would make ffmpeg open other files, and ffprobe happily reads text as
    /// "tty" video.
    /// </summary>
    public static readonly IReadOnlySet<string> AcceptedFormats = new HashSet<string>(
        ["mov", "mp4", "matroska", "webm", "avi", "mpegts", "flv", "mpeg", "ogg", "asf", "mxf"], StringComparer.Ordinal);

    public static ProbeResult NotVideo(string message) => new(false, message, 0, 0, 0, false, null, -1, null);

    /// <summary>Reads <c>ffprobe -print_format json -show_format -show_streams</c> output.</summary>
    internal static ProbeResult FromFfprobeJson(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return Read(document.RootElement);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return NotVideo("The file could not be examined: ffprobe's report was unreadable.");
        }
    }

    private static ProbeResult Read(JsonElement root)
    {
        if (!root.TryGetProperty("format", out var format) || Text(format, "format_name") is not { Length: > 0 } formatName)
        {
            return NotVideo("The file is not a video: no known media format was recognised.");
        }
        var demuxer = formatName.Split(',').FirstOrDefault(AcceptedFormats.Contains);
        if (demuxer is null)
        {
            return NotVideo(formatName switch
            {
                "tty" => "The file is text, not a video.",
                _ when formatName.StartsWith("image2", StringComparison.Ordinal) || formatName.EndsWith("_pipe", StringComparison.Ordinal)
                    => "The file is a still image, not a video.",
                _ => $"The file's format ({formatName}) is not accepted; upload an MP4, MOV, MKV, WebM or similar video.",
            });
        }

        var streams = root.TryGetProperty("streams", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().ToList()
            : [];
        // Cover art in an audio file is a "video" stream of one picture; it is not a video.
        var video = streams.FirstOrDefault(s => Text(s, "codec_type") == "video" && !IsAttachedPicture(s));
        var audio = streams.FirstOrDefault(s => Text(s, "codec_type") == "audio");
        var hasAudio = audio.ValueKind == JsonValueKind.Object;
        if (video.ValueKind != JsonValueKind.Object)
        {
            return NotVideo(hasAudio ? "The file has sound but no picture: upload a video, not audio only." : "The file has no video stream.");
        }

        var width = Integer(video, "width") ?? 0;
        var height = Integer(video, "height") ?? 0;
        if (width <= 0 || height <= 0)
        {
            return NotVideo("The file's video stream has no picture size.");
        }
        if (Math.Abs(Rotation(video)) % 180 == 90)
        {
            (width, height) = (height, width);
        }

        var duration = Number(format, "duration") ?? Number(video, "duration") ?? 0;
        if (!double.IsFinite(duration) || duration <= 0)
        {
            return NotVideo("The file's video has no duration.");
        }

        return new ProbeResult(true, null, duration, width, height, hasAudio, demuxer,
            Integer(video, "index") ?? 0, hasAudio ? Integer(audio, "index") : null);
    }

    private static bool IsAttachedPicture(JsonElement stream) =>
        stream.TryGetProperty("disposition", out var disposition) && Integer(disposition, "attached_pic") == 1;

    /// <summary>Phones record upright video as landscape plus a display matrix (newer ffprobe) or a rotate tag (older).</summary>
    private static int Rotation(JsonElement stream)
    {
        if (stream.TryGetProperty("side_data_list", out var sideData) && sideData.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in sideData.EnumerateArray())
            {
                if (Number(entry, "rotation") is { } rotation)
                {
                    return (int)Math.Round(rotation);
                }
            }
        }
        return stream.TryGetProperty("tags", out var tags) && Number(tags, "rotate") is { } rotate ? (int)Math.Round(rotate) : 0;
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static int? Integer(JsonElement element, string name) =>
        Number(element, name) is { } number && number is >= int.MinValue and <= int.MaxValue ? (int)number : null;

    /// <summary>ffprobe writes some numbers as JSON numbers and others ("duration") as strings.</summary>
    private static double? Number(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
        {
            return null;
        }
        return value.ValueKind switch
        {
            JsonValueKind.Number => value.GetDouble(),
            JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };
    }
}
