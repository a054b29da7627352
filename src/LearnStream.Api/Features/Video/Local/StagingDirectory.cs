using System.Security.Cryptography;

namespace LearnStream.Api.Features.Video.Local;

/// <summary>
/// A hidden sibling of a final directory where output is written, then renamed into place in one step, so
/// readers see the old set or the new one and never half of one. Disposing an unpublished staging directory
/// deletes it. Its name starts with a dot, which <see cref="MediaPathResolver"/> never serves.
/// </summary>
internal sealed class StagingDirectory : IDisposable
{
    private readonly string _finalPath;
    private bool _published;

    private StagingDirectory(string finalPath, string path)
    {
        _finalPath = finalPath;
        Path = path;
    }

    public string Path { get; }

    public static StagingDirectory Create(string finalPath)
    {
        var full = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(finalPath));
        var parent = System.IO.Path.GetDirectoryName(full)
            ?? throw new ArgumentException("The output directory cannot be a filesystem root.", nameof(finalPath));
        Directory.CreateDirectory(parent);
        var staging = System.IO.Path.Combine(parent, $".{System.IO.Path.GetFileName(full)}.partial-{Suffix()}");
        Directory.CreateDirectory(staging);
        return new StagingDirectory(full, staging);
    }

    /// <summary>Moves the staged files to the final path, replacing what was there.</summary>
    public void Publish()
    {
        FlushFilesToDisk();
        if (!Directory.Exists(_finalPath))
        {
            Directory.Move(Path, _finalPath);
            _published = true;
            return;
        }

        // A directory cannot be renamed over another: step the old set aside, and put it back if the move fails.
        var parent = System.IO.Path.GetDirectoryName(_finalPath)!;
        var replaced = System.IO.Path.Combine(parent, $".{System.IO.Path.GetFileName(_finalPath)}.replaced-{Suffix()}");
        Directory.Move(_finalPath, replaced);
        try
        {
            Directory.Move(Path, _finalPath);
        }
        catch
        {
            Directory.Move(replaced, _finalPath);
            throw;
        }
        _published = true;
        TryDelete(replaced);
    }

    public void Dispose()
    {
        if (!_published)
        {
            TryDelete(Path);
        }
    }

    /// <summary>
    /// A rename is atomic, but after a power cut the renamed files could still be empty unless their data
    /// reached the disk first.
    /// </summary>
    private void FlushFilesToDisk()
    {
        foreach (var file in Directory.EnumerateFiles(Path, "*", SearchOption.AllDirectories))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
            stream.Flush(flushToDisk: true);
        }
    }

    private static string Suffix() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover hidden directory is never served; it only wastes disk until cleaned up.
        }
    }
}
