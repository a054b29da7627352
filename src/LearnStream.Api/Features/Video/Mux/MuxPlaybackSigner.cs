using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LearnStream.Api.Features.Video.Mux;

/// <summary>What a playback token opens; Mux checks the <c>aud</c> claim against the kind of URL.</summary>
public enum MuxPlaybackAudience
{
    Video,
    Thumbnail,
    Storyboard,
}

/// <summary>Signed URLs for one playback id: the HLS stream, a poster image and the timeline-preview track.</summary>
public sealed record MuxSignedPlayback(string StreamUrl, string ThumbnailUrl, string StoryboardUrl, DateTimeOffset ExpiresAt);

/// <summary>
/// Signs playback tokens for "signed" playback ids: RS256 JWTs under the URL signing key Mux issued, with
/// <c>kid</c> = key id, <c>sub</c> = playback id, <c>aud</c> = v/t/s and <c>exp</c>.
/// </summary>
public sealed class MuxPlaybackSigner : IDisposable
{
    /// <summary>Tokens never outlive a day, however long the video.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(24);

    /// <summary>
    /// Added to the video's duration: Mux checks the token on every segment request, so it must last through
    /// pauses and seeking, not just the running time.
    /// </summary>
    public static readonly TimeSpan PlaybackMargin = TimeSpan.FromHours(1);

    // No iat or nbf: Mux does not need them, and an nbf a second ahead of Mux's clock would refuse playback.
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    private readonly RSA _key;
    private readonly SigningCredentials _credentials;
    private readonly TimeProvider _time;

    public MuxPlaybackSigner(IOptions<MuxOptions> options, TimeProvider time)
    {
        var mux = options.Value;
        if (string.IsNullOrWhiteSpace(mux.SigningKeyId))
        {
            throw new InvalidOperationException("Mux:SigningKeyId is required to sign playback tokens.");
        }
        _key = LoadKey(mux.SigningKeyPrivate);
        _credentials = new SigningCredentials(new RsaSecurityKey(_key) { KeyId = mux.SigningKeyId }, SecurityAlgorithms.RsaSha256)
        {
            // The shared default factory caches providers by key id and modulus; after Dispose, a later signer
            // with the same key (an options reload, say) would be handed a provider holding our disposed RSA.
            CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false },
        };
        _time = time;
    }

    /// <summary>A token for <paramref name="playbackId"/> that expires <paramref name="lifetime"/> from now.</summary>
    public string Sign(string playbackId, MuxPlaybackAudience audience, TimeSpan lifetime) =>
        Sign(playbackId, audience, ExpiryAfter(lifetime));

    /// <summary>Stream, thumbnail and storyboard URLs, valid for the video's duration plus a margin, at most a day.</summary>
    /// <param name="duration">The asset's duration; when unknown the URLs last <see cref="MaxLifetime"/>.</param>
    public MuxSignedPlayback SignUrls(string playbackId, TimeSpan? duration)
    {
        var expires = ExpiryAfter(LifetimeFor(duration));
        var id = Uri.EscapeDataString(playbackId);
        return new MuxSignedPlayback(
            $"https://stream.mux.com/{id}.m3u8?token={Sign(playbackId, MuxPlaybackAudience.Video, expires)}",
            $"https://image.mux.com/{id}/thumbnail.jpg?token={Sign(playbackId, MuxPlaybackAudience.Thumbnail, expires)}",
            $"https://image.mux.com/{id}/storyboard.vtt?token={Sign(playbackId, MuxPlaybackAudience.Storyboard, expires)}",
            expires);
    }

    public static TimeSpan LifetimeFor(TimeSpan? duration) =>
        duration is { } d && d > TimeSpan.Zero && d < MaxLifetime - PlaybackMargin ? d + PlaybackMargin : MaxLifetime;

    /// <summary>Null when the configured key can sign; otherwise what is wrong with it, for start-up validation.</summary>
    public static string? DescribeKeyProblem(string configured)
    {
        try
        {
            using var key = LoadKey(configured);
            return null;
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
    }

    public void Dispose() => _key.Dispose();

    private string Sign(string playbackId, MuxPlaybackAudience audience, DateTimeOffset expires)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(playbackId);
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Audience = audience switch
            {
                MuxPlaybackAudience.Video => "v",
                MuxPlaybackAudience.Thumbnail => "t",
                MuxPlaybackAudience.Storyboard => "s",
                _ => throw new ArgumentOutOfRangeException(nameof(audience), audience, null),
            },
            Expires = expires.UtcDateTime,
            SigningCredentials = _credentials,
            Claims = new Dictionary<string, object> { [JwtRegisteredClaimNames.Sub] = playbackId },
        });
    }

    private DateTimeOffset ExpiryAfter(TimeSpan lifetime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lifetime, MaxLifetime);
        // JWT times are whole seconds; truncating keeps exp and ExpiresAt equal.
        return DateTimeOffset.FromUnixTimeSeconds(_time.GetUtcNow().ToUnixTimeSeconds()) + lifetime;
    }

    /// <summary>Accepts base64 of a PEM (what Mux returns) or the PEM itself; PKCS#1 or PKCS#8, unencrypted.</summary>
    private static RSA LoadKey(string configured)
    {
        const string Problem = "Mux:SigningKeyPrivate is not an RSA private key. Expected the signing key's private_key "
            + "as Mux returns it: base64 of a PEM with \"BEGIN RSA PRIVATE KEY\" or \"BEGIN PRIVATE KEY\".";
        if (string.IsNullOrWhiteSpace(configured))
        {
            throw new InvalidOperationException("Mux:SigningKeyPrivate is required to sign playback tokens.");
        }
        var key = RSA.Create();
        try
        {
            var text = configured.Trim();
            var pem = text.StartsWith("-----BEGIN", StringComparison.Ordinal)
                ? text
                : Encoding.UTF8.GetString(Convert.FromBase64String(text));
            key.ImportFromPem(pem);
            // A public key imports too and would fail only at the first playback: demand the private part now.
            key.ExportParameters(includePrivateParameters: true);
            if (key.KeySize < 2048)
            {
                throw new InvalidOperationException($"Mux:SigningKeyPrivate is a {key.KeySize}-bit RSA key; Mux issues 2048-bit keys.");
            }
            return key;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new InvalidOperationException($"{Problem} ({e.GetType().Name}: {e.Message})", e);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }
}
