using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace LearnStream.Api.Features.Video.Local;

public enum MediaTokenStatus
{
    Valid,
    Malformed,
    BadMac,
    Expired,
    OtherLesson,
}

/// <summary>What a media token check concluded; <see cref="ViewerId"/> is set only when valid ("" for anonymous preview).</summary>
public readonly record struct MediaTokenValidation(MediaTokenStatus Status, string? ViewerId, DateTimeOffset? ExpiresAt)
{
    public bool IsValid => Status == MediaTokenStatus.Valid;

    internal static MediaTokenValidation Refused(MediaTokenStatus status) => new(status, null, null);
}

/// <summary>
/// Signs the short-lived tokens carried as <c>?token=</c> on every self-hosted media URL. A token binds
/// one lesson, one viewer and an expiry with HMAC-SHA256; it is URL-safe text:
/// <c>base64url(payload) "." base64url(mac)</c>. The key must serve this purpose only.
/// </summary>
public sealed class MediaTokenSigner
{
    public const int MinimumKeyBytes = 32;

    /// <summary>Ids are database keys, not prose: a cap keeps tokens short enough for every URL.</summary>
    public const int MaxIdBytes = 256;

    // Payload v1: version(1) | expiry unix seconds (int64 BE) | lesson (uint16 BE length + UTF-8) | viewer (same).
    private const byte Version = 1;
    private const int MacBytes = 32;
    private const int MaxTokenChars = 1024;

    private readonly byte[] _key;

    public MediaTokenSigner(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < MinimumKeyBytes)
        {
            throw new ArgumentException($"The media token key needs at least {MinimumKeyBytes} bytes.", nameof(key));
        }
        _key = (byte[])key.Clone();
    }

    public string Issue(string lessonId, string viewerId, DateTimeOffset expiresAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(lessonId);
        ArgumentNullException.ThrowIfNull(viewerId);
        var lesson = Encoding.UTF8.GetBytes(lessonId);
        var viewer = Encoding.UTF8.GetBytes(viewerId);
        if (lesson.Length > MaxIdBytes || viewer.Length > MaxIdBytes)
        {
            throw new ArgumentException($"Lesson and viewer ids are limited to {MaxIdBytes} UTF-8 bytes.");
        }

        var payload = new byte[1 + 8 + 2 + lesson.Length + 2 + viewer.Length];
        var span = payload.AsSpan();
        span[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(span[1..], expiresAt.ToUnixTimeSeconds());
        var offset = 9;
        WriteId(span, ref offset, lesson);
        WriteId(span, ref offset, viewer);

        return $"{Base64Url.EncodeToString(payload)}.{Base64Url.EncodeToString(Mac(payload))}";
    }

    public MediaTokenValidation Validate(string? token, string lessonId, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(lessonId);
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenChars)
        {
            return MediaTokenValidation.Refused(MediaTokenStatus.Malformed);
        }
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot != token.LastIndexOf('.')
            || !TryDecodeCanonical(token.AsSpan(0, dot), out var payload)
            || !TryDecodeCanonical(token.AsSpan(dot + 1), out var mac)
            || mac.Length != MacBytes)
        {
            return MediaTokenValidation.Refused(MediaTokenStatus.Malformed);
        }

        // The MAC is checked before the payload is read, so nothing an attacker wrote is ever interpreted.
        if (!CryptographicOperations.FixedTimeEquals(Mac(payload), mac))
        {
            return MediaTokenValidation.Refused(MediaTokenStatus.BadMac);
        }
        if (!TryReadPayload(payload, out var expiresAt, out var tokenLesson, out var viewer))
        {
            return MediaTokenValidation.Refused(MediaTokenStatus.Malformed);
        }
        if (!string.Equals(tokenLesson, lessonId, StringComparison.Ordinal))
        {
            return MediaTokenValidation.Refused(MediaTokenStatus.OtherLesson);
        }
        if (now.ToUnixTimeSeconds() >= expiresAt)
        {
            return MediaTokenValidation.Refused(MediaTokenStatus.Expired);
        }
        return new MediaTokenValidation(MediaTokenStatus.Valid, viewer, DateTimeOffset.FromUnixTimeSeconds(expiresAt));
    }

    private byte[] Mac(byte[] payload) => HMACSHA256.HashData(_key, payload);

    private static void WriteId(Span<byte> span, ref int offset, byte[] id)
    {
        BinaryPrimitives.WriteUInt16BigEndian(span[offset..], (ushort)id.Length);
        id.CopyTo(span[(offset + 2)..]);
        offset += 2 + id.Length;
    }

    /// <summary>
    /// The decoder tolerates padding and whitespace; insisting on the canonical form gives a token exactly
    /// one spelling, so caches and logs never see two URLs for the same grant.
    /// </summary>
    private static bool TryDecodeCanonical(ReadOnlySpan<char> text, out byte[] bytes)
    {
        bytes = [];
        if (text.IsEmpty)
        {
            return false;
        }
        var buffer = new byte[Base64Url.GetMaxDecodedLength(text.Length)];
        // This overload reports bad input; TryDecodeFromChars throws on it.
        if (Base64Url.DecodeFromChars(text, buffer, out _, out var written) != OperationStatus.Done)
        {
            return false;
        }
        bytes = buffer[..written];
        return text.SequenceEqual(Base64Url.EncodeToString(bytes));
    }

    private static bool TryReadPayload(ReadOnlySpan<byte> payload, out long expiresAt, out string lessonId, out string viewerId)
    {
        expiresAt = 0;
        lessonId = viewerId = "";
        if (payload.Length < 9 || payload[0] != Version)
        {
            return false;
        }
        expiresAt = BinaryPrimitives.ReadInt64BigEndian(payload[1..]);
        var rest = payload[9..];
        return TryReadId(ref rest, out lessonId) && lessonId.Length > 0
            && TryReadId(ref rest, out viewerId)
            && rest.IsEmpty;
    }

    private static bool TryReadId(ref ReadOnlySpan<byte> rest, out string id)
    {
        id = "";
        if (rest.Length < 2)
        {
            return false;
        }
        int length = BinaryPrimitives.ReadUInt16BigEndian(rest);
        if (length > MaxIdBytes || rest.Length < 2 + length)
        {
            return false;
        }
        id = Encoding.UTF8.GetString(rest.Slice(2, length));
        rest = rest[(2 + length)..];
        return true;
    }
}
