using System.Globalization;

namespace LearnStream.Api.Features.Video.Local;

/// <summary>A rendition as the master playlist advertises it; <see cref="PlaylistPath"/> is its media playlist on disk.</summary>
public sealed record HlsRendition(string Name, int Width, int Height, int Bandwidth, string PlaylistPath)
{
    /// <summary>Reads the variants of a master playlist; their URIs are relative to <paramref name="directory"/>.</summary>
    internal static List<HlsRendition> ReadFromMaster(string masterText, string directory)
    {
        var renditions = new List<HlsRendition>();
        var attributes = new List<HlsAttribute>();
        string? pendingInfo = null;
        foreach (var raw in masterText.Split('\n'))
        {
            var line = raw.TrimEnd('\r').Trim();
            if (line.StartsWith("#EXT-X-STREAM-INF:", StringComparison.Ordinal))
            {
                pendingInfo = line;
            }
            else if (line.Length > 0 && line[0] != '#' && pendingInfo is not null)
            {
                if (HlsAttributeList.TryParse(pendingInfo, pendingInfo.IndexOf(':', StringComparison.Ordinal) + 1, attributes))
                {
                    renditions.Add(FromAttributes(pendingInfo, attributes, line, directory));
                }
                pendingInfo = null;
            }
        }
        return renditions;
    }

    private static HlsRendition FromAttributes(string info, List<HlsAttribute> attributes, string uri, string directory)
    {
        string? Value(string name) => attributes.Find(a => a.Name == name) is { Name: not null } a ? a.ValueIn(info) : null;

        var bandwidth = int.TryParse(Value("BANDWIDTH"), NumberStyles.None, CultureInfo.InvariantCulture, out var b) ? b : 0;
        var size = Value("RESOLUTION")?.Split('x');
        var width = size is [var w, _] && int.TryParse(w, NumberStyles.None, CultureInfo.InvariantCulture, out var pw) ? pw : 0;
        var height = size is [_, var h] && int.TryParse(h, NumberStyles.None, CultureInfo.InvariantCulture, out var ph) ? ph : 0;
        var name = uri.Contains('/', StringComparison.Ordinal) ? uri[..uri.IndexOf('/', StringComparison.Ordinal)] : Path.GetFileNameWithoutExtension(uri);
        return new HlsRendition(name, width, height, bandwidth, Path.Combine(directory, uri));
    }
}

/// <summary>
/// The outcome of a transcode. On success the HLS set is complete at its final path; on failure nothing
/// was left there and <see cref="Error"/> says why (with the end of ffmpeg's error output when it failed).
/// </summary>
public sealed record TranscodeResult(
    string? MasterPlaylistPath,
    string? PosterPath,
    IReadOnlyList<HlsRendition> Renditions,
    string? Error)
{
    public bool Succeeded => Error is null;

    internal static TranscodeResult Failed(string error) => new(null, null, [], error);
}
