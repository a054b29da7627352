using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace LearnStream.Api.Features.Video.Mux;

public enum MuxSignatureCheck
{
    Valid,

    /// <summary>No mux-signature header at all.</summary>
    Missing,

    /// <summary>The header is not <c>t=&lt;unix seconds&gt;,v1=&lt;64 hex&gt;[,v1=...]</c>.</summary>
    Malformed,

    /// <summary>Correctly signed, but the timestamp is outside the tolerance: a replay, or a badly wrong clock.</summary>
    Stale,

    /// <summary>No v1 signature matches the body under our secret.</summary>
    WrongSignature,
}

/// <summary>
/// Checks Mux's webhook signature: HMAC-SHA256 under the endpoint's signing secret over
/// <c>"{t}." + raw body</c>, hex-encoded in one or more v1 entries of the mux-signature header.
/// </summary>
public static class MuxWebhookVerifier
{
    public const string HeaderName = "mux-signature";

    /// <summary>Mux's own SDKs accept five minutes either way.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    private const int SignatureBytes = 32;

    /// <param name="signatureHeader">The mux-signature header as received, or null when absent.</param>
    /// <param name="body">The request body exactly as received: re-serialised JSON would not match.</param>
    /// <param name="secret">The webhook signing secret.</param>
    /// <param name="now">The current time, from the caller's TimeProvider.</param>
    public static MuxSignatureCheck Verify(string? signatureHeader, ReadOnlySpan<byte> body, string secret, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        if (string.IsNullOrWhiteSpace(signatureHeader))
        {
            return MuxSignatureCheck.Missing;
        }
        if (!TryParse(signatureHeader, out var timestamp, out var signatures))
        {
            return MuxSignatureCheck.Malformed;
        }

        var expected = Sign(timestamp, body, secret);
        var matched = false;
        // Every candidate is compared, in constant time, so timing says nothing about which one was close.
        foreach (var candidate in signatures)
        {
            matched |= CryptographicOperations.FixedTimeEquals(expected, candidate);
        }
        if (!matched)
        {
            return MuxSignatureCheck.WrongSignature;
        }

        var signedAt = DateTimeOffset.FromUnixTimeSeconds(timestamp);
        return (now - signedAt).Duration() > Tolerance ? MuxSignatureCheck.Stale : MuxSignatureCheck.Valid;
    }

    /// <summary>The v1 signature Mux would send for this body at this time; tests use it to sign payloads.</summary>
    public static string ComputeSignature(long timestamp, ReadOnlySpan<byte> body, string secret) =>
        Convert.ToHexStringLower(Sign(timestamp, body, secret));

    private static byte[] Sign(long timestamp, ReadOnlySpan<byte> body, string secret)
    {
        var prefix = Encoding.ASCII.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(prefix);
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }

    private static bool TryParse(string header, out long timestamp, out List<byte[]> signatures)
    {
        timestamp = 0;
        signatures = [];
        var sawTimestamp = false;
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                return false;
            }
            var key = part[..equals];
            var value = part[(equals + 1)..];
            if (key == "t")
            {
                // Eleven digits reach the year 5138 and stay within what DateTimeOffset can represent.
                if (sawTimestamp || value.Length is 0 or > 11 || !value.All(char.IsAsciiDigit))
                {
                    return false;
                }
                timestamp = long.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
                sawTimestamp = true;
            }
            else if (key == "v1")
            {
                if (value.Length != SignatureBytes * 2 || !value.All(char.IsAsciiHexDigit))
                {
                    return false;
                }
                signatures.Add(Convert.FromHexString(value));
            }
            // Other schemes (v0, a future v2) are not ours to judge; they neither count nor spoil the header.
        }
        return sawTimestamp && signatures.Count > 0;
    }
}
