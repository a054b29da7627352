using System.Text;

namespace LearnStream.Api.Features.Video.Local;

/// <summary>
/// Rewrites every URI of an HLS playlist, master or media, so that each nested request (variant playlists,
/// segments, init sections, keys, alternative renditions) can carry its own token. Tags, comments, blank
/// lines and line endings (LF or CRLF) are kept byte for byte.
/// </summary>
public static class HlsPlaylistRewriter
{
    public static string Rewrite(string playlist, Func<string, string> rewriteUri)
    {
        ArgumentNullException.ThrowIfNull(playlist);
        ArgumentNullException.ThrowIfNull(rewriteUri);

        var output = new StringBuilder(playlist.Length + 256);
        var attributes = new List<HlsAttribute>();
        // A byte-order mark would otherwise make "#EXTM3U" look like a URI line.
        var position = playlist.StartsWith('\uFEFF') ? 1 : 0;
        output.Append(playlist, 0, position);
        while (position < playlist.Length)
        {
            var newline = playlist.IndexOf('\n', position);
            var lineEnd = newline < 0 ? playlist.Length : newline + 1;
            var contentEnd = newline < 0 ? playlist.Length : newline;
            if (contentEnd > position && playlist[contentEnd - 1] == '\r')
            {
                contentEnd--;
            }

            var line = playlist[position..contentEnd];
            output.Append(RewriteLine(line, rewriteUri, attributes));
            output.Append(playlist, contentEnd, lineEnd - contentEnd);
            position = lineEnd;
        }
        return output.ToString();
    }

    private static string RewriteLine(string line, Func<string, string> rewriteUri, List<HlsAttribute> attributes)
    {
        var uri = line.Trim();
        if (uri.Length == 0)
        {
            return line;
        }
        if (uri[0] != '#')
        {
            var leading = line.Length - line.TrimStart().Length;
            return string.Concat(line.AsSpan(0, leading), Checked(rewriteUri(uri), uri, quoted: false), line.AsSpan(leading + uri.Length));
        }
        return line.StartsWith("#EXT", StringComparison.Ordinal) ? RewriteTag(line, rewriteUri, attributes) : line;
    }

    private static string RewriteTag(string line, Func<string, string> rewriteUri, List<HlsAttribute> attributes)
    {
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        // #EXTINF's value is a duration and a free-text title, never attributes.
        if (colon < 0 || line.AsSpan(0, colon).SequenceEqual("#EXTINF")
            || !HlsAttributeList.TryParse(line, colon + 1, attributes)
            || !attributes.Exists(a => a is { Name: "URI", Quoted: true }))
        {
            return line;
        }

        var rewritten = new StringBuilder(line.Length + 128);
        var copied = 0;
        foreach (var attribute in attributes)
        {
            if (attribute is not { Name: "URI", Quoted: true })
            {
                continue;
            }
            var original = attribute.ValueIn(line);
            rewritten.Append(line, copied, attribute.ValueStart - copied);
            rewritten.Append(Checked(rewriteUri(original), original, quoted: true));
            copied = attribute.ValueStart + attribute.ValueLength;
        }
        rewritten.Append(line, copied, line.Length - copied);
        return rewritten.ToString();
    }

    /// <summary>A replacement that broke the line or the quoting would silently corrupt the playlist for every player.</summary>
    private static string Checked(string? replacement, string original, bool quoted)
    {
        if (string.IsNullOrWhiteSpace(replacement)
            || replacement.AsSpan().IndexOfAny('\r', '\n') >= 0
            || (quoted && replacement.Contains('"', StringComparison.Ordinal))
            || (!quoted && replacement.TrimStart().StartsWith('#')))
        {
            throw new InvalidOperationException($"The rewrite of URI '{original}' gave '{replacement}', which cannot stand in a playlist.");
        }
        return replacement;
    }
}
