using System.Security.Cryptography;
using LearnStream.Api.Common;
using Microsoft.Extensions.Options;

namespace LearnStream.Api.Features.Video.Local;

/// <summary>
/// Where the local provider keeps files: each lesson's renditions under <c>{media}/{lessonId}/</c>,
/// uploads waiting for the transcoder under <c>{media}/.incoming/</c> (a dot folder, which
/// <see cref="MediaPathResolver"/> never serves).
/// </summary>
public sealed class MediaLocation
{
    public MediaLocation(IOptions<LocalVideoOptions> options, DataDirectory data)
    {
        Root = Path.GetFullPath(options.Value.ResolveMediaDirectory(data));
        Incoming = Path.Combine(Root, ".incoming");
        Directory.CreateDirectory(Incoming);
    }

    public string Root { get; }

    public string Incoming { get; }

    public string LessonDirectory(string lessonId) => Path.Combine(Root, lessonId);

    /// <summary>
    /// The key that signs media tokens: <c>Video:Local:TokenKey</c> (base64, 32 bytes or more), or
    /// outside Production a key generated once under the data directory.
    /// </summary>
    public static byte[] LoadTokenKey(IConfiguration configuration, IHostEnvironment environment, DataDirectory data)
    {
        const string Key = "Video:Local:TokenKey";
        if (configuration[Key] is { Length: > 0 } configured)
        {
            try
            {
                var bytes = Convert.FromBase64String(configured);
                if (bytes.Length >= MediaTokenSigner.MinimumKeyBytes)
                {
                    return bytes;
                }
            }
            catch (FormatException)
            {
                // Reported below with the key's name.
            }
            throw new ConfigurationException($"{Key} must be base64 of at least {MediaTokenSigner.MinimumKeyBytes} random bytes.");
        }
        if (environment.IsProduction())
        {
            throw new ConfigurationException($"{Key} is required in Production for Video:Provider=local (base64 of 32 random bytes).");
        }
        var path = Path.Combine(data.EnsureSubdirectory("keys"), "media-token.key");
        if (!File.Exists(path))
        {
            var fresh = RandomNumberGenerator.GetBytes(32);
            try
            {
                using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
                file.Write(fresh);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another node on the same data directory wrote it first; use theirs.
            }
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
        return File.ReadAllBytes(path);
    }
}
