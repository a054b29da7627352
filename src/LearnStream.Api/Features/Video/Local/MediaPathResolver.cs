namespace LearnStream.Api.Features.Video.Local;

public enum MediaPathRefusal
{
    None,
    Empty,
    BadEncoding,
    ControlCharacter,
    Backslash,
    Absolute,
    Traversal,
    EmptySegment,
    DotSegment,
    DisallowedCharacter,
    NoLesson,
    DisallowedExtension,
    OutsideRoot,
    SymlinkEscape,
}

/// <summary>The file a media request may read, and the lesson it belongs to; or why it may read nothing.</summary>
public readonly record struct MediaPathResolution(string? FullPath, string? LessonId, MediaPathRefusal Refusal)
{
    public bool IsAllowed => Refusal == MediaPathRefusal.None;

    internal static MediaPathResolution Refused(MediaPathRefusal refusal) => new(null, null, refusal);
}

/// <summary>
/// Maps the tail of a <c>/media/{**path}</c> request (<c>{lessonId}/{rendition}/seg_003.ts</c>) to a file under
/// the media root. The transcoder only ever writes plain names, so anything unusual is refused rather than
/// interpreted: an allow-list is easier to trust than a list of known tricks.
/// </summary>
public sealed class MediaPathResolver
{
    public static readonly IReadOnlySet<string> AllowedExtensions =
        new HashSet<string>([".m3u8", ".ts", ".m4s", ".mp4", ".jpg", ".vtt"], StringComparer.Ordinal);

    // Deeper nesting than this means someone is probing: the decoder gives up rather than loop.
    private const int MaxDecodingRounds = 4;
    private const int MaxLinkHops = 40;

    public MediaPathResolver(string mediaRoot)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mediaRoot);
        MediaRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(mediaRoot));
    }

    public string MediaRoot { get; }

    public MediaPathResolution Resolve(string? requestPath)
    {
        if (string.IsNullOrEmpty(requestPath))
        {
            return MediaPathResolution.Refused(MediaPathRefusal.Empty);
        }

        // The route may or may not have decoded the path already: legitimate names contain no '%', so one
        // decoding is harmless, and a path that still changes when decoded again was encoded to hide something.
        var path = Uri.UnescapeDataString(requestPath);
        if (!TryDecodeFully(path, out var fullyDecoded))
        {
            return MediaPathResolution.Refused(MediaPathRefusal.BadEncoding);
        }
        if (!string.Equals(path, fullyDecoded, StringComparison.Ordinal))
        {
            return MediaPathResolution.Refused(
                HasTraversal(fullyDecoded) ? MediaPathRefusal.Traversal : MediaPathRefusal.BadEncoding);
        }

        if (path.Any(char.IsControl))
        {
            return MediaPathResolution.Refused(MediaPathRefusal.ControlCharacter);
        }
        if (path.Contains('\\', StringComparison.Ordinal))
        {
            return MediaPathResolution.Refused(MediaPathRefusal.Backslash);
        }
        if (path[0] == '/' || Path.IsPathRooted(path) || (path.Length > 1 && path[1] == ':'))
        {
            return MediaPathResolution.Refused(MediaPathRefusal.Absolute);
        }

        var segments = path.Split('/');
        if (segments.Any(s => s == ".."))
        {
            return MediaPathResolution.Refused(MediaPathRefusal.Traversal);
        }
        if (segments.Any(s => s.Length == 0))
        {
            return MediaPathResolution.Refused(MediaPathRefusal.EmptySegment);
        }
        // Also keeps the transcoder's ".name.partial-*" working directories out of reach.
        if (segments.Any(s => s[0] == '.'))
        {
            return MediaPathResolution.Refused(MediaPathRefusal.DotSegment);
        }
        if (!path.All(IsAllowedChar))
        {
            return MediaPathResolution.Refused(MediaPathRefusal.DisallowedCharacter);
        }
        if (segments.Length < 2)
        {
            return MediaPathResolution.Refused(MediaPathRefusal.NoLesson);
        }
        if (!AllowedExtensions.Contains(Path.GetExtension(segments[^1])))
        {
            return MediaPathResolution.Refused(MediaPathRefusal.DisallowedExtension);
        }

        var fullPath = Path.GetFullPath(Path.Combine(MediaRoot, path));
        if (!IsInside(fullPath, MediaRoot))
        {
            return MediaPathResolution.Refused(MediaPathRefusal.OutsideRoot);
        }
        // The media root itself may be a link (a mounted volume); only links below it must stay inside it.
        if (RealPath(fullPath) is not { } real || RealPath(MediaRoot) is not { } realRoot || !IsInside(real, realRoot))
        {
            return MediaPathResolution.Refused(MediaPathRefusal.SymlinkEscape);
        }
        return new MediaPathResolution(fullPath, segments[0], MediaPathRefusal.None);
    }

    private static bool TryDecodeFully(string path, out string decoded)
    {
        decoded = path;
        for (var round = 0; round < MaxDecodingRounds; round++)
        {
            var next = Uri.UnescapeDataString(decoded);
            if (string.Equals(next, decoded, StringComparison.Ordinal))
            {
                return true;
            }
            decoded = next;
        }
        return false;
    }

    private static bool HasTraversal(string path) => path.Replace('\\', '/').Split('/').Any(s => s == "..");

    private static bool IsAllowedChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_' or '.' or '/';

    private static bool IsInside(string path, string root) =>
        path.StartsWith(root, StringComparison.Ordinal)
        && path.Length > root.Length
        && (path[root.Length] == Path.DirectorySeparatorChar || root.EndsWith(Path.DirectorySeparatorChar));

    /// <summary>
    /// The path with every symbolic link along it followed, like realpath(3): a link deep in the tree may
    /// point anywhere, and a relative target is resolved from the directory holding the link.
    /// Null when the links loop or cannot be read, which refuses the request.
    /// </summary>
    private static string? RealPath(string fullPath)
    {
        var current = Path.GetPathRoot(fullPath)!;
        var pending = new Stack<string>();
        PushComponents(pending, fullPath[current.Length..]);
        var hops = 0;
        try
        {
            while (pending.TryPop(out var part))
            {
                // ".." is taken from the resolved parent, as the kernel does, not cancelled out textually.
                if (part == ".")
                {
                    continue;
                }
                if (part == "..")
                {
                    current = Path.GetDirectoryName(current) ?? current;
                    continue;
                }
                var candidate = Path.Combine(current, part);
                if (new FileInfo(candidate).LinkTarget is not { } target)
                {
                    current = candidate;
                    continue;
                }
                if (++hops > MaxLinkHops)
                {
                    return null;
                }
                if (Path.IsPathRooted(target))
                {
                    current = Path.GetPathRoot(target)!;
                    target = target[current.Length..];
                }
                PushComponents(pending, target);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        return current;
    }

    private static void PushComponents(Stack<string> pending, string relative)
    {
        var parts = relative.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        for (var i = parts.Length - 1; i >= 0; i--)
        {
            if (parts[i].Length > 0)
            {
                pending.Push(parts[i]);
            }
        }
    }
}
