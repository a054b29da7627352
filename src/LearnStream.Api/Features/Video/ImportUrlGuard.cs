using System.Net;
using System.Net.Sockets;

namespace LearnStream.Api.Features.Video;

/// <summary>
/// Decides whether a URL may be handed to Mux to import a video from. Mux fetches it, not us, so this is a
/// syntactic check with no DNS: it keeps obvious internal targets (loopback, private ranges, cloud metadata,
/// intranet names) and the encodings that disguise them out of the request we send.
/// </summary>
public static class ImportUrlGuard
{
    public const int MaxLength = 4096;

    private const string HttpsPrefix = "https://";

    private static readonly string[] InternalSuffixes = [".localhost", ".internal", ".local", ".localdomain", ".home.arpa"];

    /// <summary>Null when the URL is acceptable; otherwise a message fit for a 400 response.</summary>
    public static string? Check(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return "A video URL is required.";
        }
        if (url.Length > MaxLength)
        {
            return $"The video URL is longer than {MaxLength} characters.";
        }
        // Parsers disagree about whitespace, control characters and backslashes (WHATWG turns '\' into '/'),
        // so a URL that contains them could mean one host to us and another to the fetcher.
        if (url.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == '\\'))
        {
            return "The video URL contains whitespace, control characters or backslashes.";
        }
        if (!url.StartsWith(HttpsPrefix, StringComparison.OrdinalIgnoreCase)
            || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || uri.Scheme != Uri.UriSchemeHttps)
        {
            return "The video URL must be an absolute https:// URL.";
        }

        var authority = RawAuthority(url);
        if (authority.Contains('@', StringComparison.Ordinal) || uri.UserInfo.Length > 0)
        {
            return "The video URL must not contain a user name or password.";
        }
        var rawHost = RawHost(authority);
        if (rawHost.Length == 0 || rawHost.Contains('%', StringComparison.Ordinal))
        {
            return "The video URL's host is missing or percent-encoded.";
        }

        return uri.HostNameType switch
        {
            UriHostNameType.IPv4 => CheckIPv4(rawHost, uri.Host),
            UriHostNameType.IPv6 => CheckIPv6(IPAddress.Parse(uri.IdnHost)),
            UriHostNameType.Dns => CheckHostName(uri.IdnHost),
            _ => "The video URL's host is not a host name or IP address.",
        };
    }

    /// <summary>The text between "https://" and the path, query or fragment, before Uri normalises it.</summary>
    private static string RawAuthority(string url)
    {
        var rest = url.AsSpan(HttpsPrefix.Length);
        var end = rest.IndexOfAny('/', '?', '#');
        return (end < 0 ? rest : rest[..end]).ToString();
    }

    private static string RawHost(string authority)
    {
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            return close < 0 ? "" : authority[..(close + 1)];
        }
        var colon = authority.LastIndexOf(':');
        return colon < 0 ? authority : authority[..colon];
    }

    private static string? CheckIPv4(string rawHost, string canonicalHost)
    {
        // Uri reads 2130706433, 0x7f000001, 0177.0.0.1 and 127.1 all as 127.0.0.1; other parsers may not,
        // so only the plain dotted-decimal spelling is accepted.
        if (!string.Equals(rawHost, canonicalHost, StringComparison.OrdinalIgnoreCase))
        {
            return "The video URL's host is an IP address in a non-standard notation.";
        }
        return IsPublic(IPAddress.Parse(canonicalHost)) ? null : NotPublic;
    }

    private static string? CheckIPv6(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return IsPublic(address.MapToIPv4()) ? null : NotPublic;
        }
        var bytes = address.GetAddressBytes();
        // IPv4-compatible (::a.b.c.d, deprecated but still parsed): judge the IPv4 address inside.
        if (bytes.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0 && !IPAddress.IPv6Loopback.Equals(address) && !IPAddress.IPv6Any.Equals(address))
        {
            return IsPublic(new IPAddress(bytes.AsSpan(12))) ? null : NotPublic;
        }
        // Only global unicast (2000::/3) is routable on the internet. That excludes ::, ::1, fc00::/7,
        // fe80::/10, fec0::/10, ff00::/8 and NAT64's 64:ff9b::/96 in one test.
        if ((bytes[0] & 0xE0) != 0x20)
        {
            return NotPublic;
        }
        // 2001:0::/32 (Teredo) and 2001:db8::/32 (documentation); 6to4 (2002::/16) carries an IPv4 address.
        if (bytes[0] == 0x20 && bytes[1] == 0x01 && ((bytes[2] == 0 && bytes[3] == 0) || (bytes[2] == 0x0d && bytes[3] == 0xb8)))
        {
            return NotPublic;
        }
        if (bytes[0] == 0x20 && bytes[1] == 0x02)
        {
            return IsPublic(new IPAddress(bytes.AsSpan(2, 4))) ? null : NotPublic;
        }
        return null;
    }

    private static string? CheckHostName(string idnHost)
    {
        var host = idnHost.ToLowerInvariant();
        if (host.EndsWith('.'))
        {
            return "The video URL's host must not end with a dot.";
        }
        var labels = host.Split('.');
        // No top-level domain is numeric, so a numeric last label is an IP address in disguise (08.8.8.8,
        // 1.2.3.4.5, 4294967296) that Uri declined to read as one.
        if (labels[^1].All(char.IsAsciiDigit) || labels[^1].StartsWith("0x", StringComparison.Ordinal))
        {
            return "The video URL's host is an IP address in a non-standard notation.";
        }
        if (labels.Length < 2)
        {
            return "The video URL's host must be a fully qualified domain name.";
        }
        if (host == "localhost" || InternalSuffixes.Any(suffix => host.EndsWith(suffix, StringComparison.Ordinal)))
        {
            return "The video URL points at an internal host name.";
        }
        return null;
    }

    private const string NotPublic = "The video URL points at a private, loopback, link-local or reserved address.";

    private static bool IsPublic(IPAddress ipv4)
    {
        if (ipv4.AddressFamily != AddressFamily.InterNetwork)
        {
            return false;
        }
        var b = ipv4.GetAddressBytes();
        return !(b[0] == 0                                       // 0.0.0.0/8 "this network"
            || b[0] == 10                                        // 10/8 private
            || (b[0] == 100 && (b[1] & 0xC0) == 64)              // 100.64/10 carrier-grade NAT
            || b[0] == 127                                       // 127/8 loopback
            || (b[0] == 169 && b[1] == 254)                      // 169.254/16 link-local, cloud metadata
            || (b[0] == 172 && (b[1] & 0xF0) == 16)              // 172.16/12 private
            || (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2)      // 192.0.0/24 IETF, 192.0.2/24 documentation
            || (b[0] == 192 && b[1] == 168)                      // 192.168/16 private
            || (b[0] == 198 && (b[1] & 0xFE) == 18)              // 198.18/15 benchmarking
            || (b[0] == 198 && b[1] == 51 && b[2] == 100)        // 198.51.100/24 documentation
            || (b[0] == 203 && b[1] == 0 && b[2] == 113)         // 203.0.113/24 documentation
            || b[0] >= 224);                                     // multicast, reserved, broadcast
    }
}
