using System.Security.Cryptography;
using System.Text;
using LearnStream.Api.Features.Video.Mux;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LearnStream.Tests.Video;

public sealed class MuxPlaybackSignerTests
{
    private const string KeyId = "tb8nbGUXYKp9OxzQBhBcfIf01IdTxWsRu";
    private const string PlaybackId = "kXAvbYcGyMr7K1lWZ63XHAd02PM4oVv7";

    // Deliberately not on a whole second: JWT times are whole seconds.
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 30, 15, 400, TimeSpan.Zero);
    private static readonly DateTimeOffset NowInSeconds = new(2026, 3, 2, 9, 30, 15, TimeSpan.Zero);

    // Generating a 2048-bit key takes a noticeable fraction of a second, so the class shares one.
    private static readonly RSA SharedKey = RSA.Create(2048);

    private readonly RSA _rsa = SharedKey;
    private readonly FakeTimeProvider _time = new(Now);

    [Theory]
    [InlineData(MuxPlaybackAudience.Video, "v")]
    [InlineData(MuxPlaybackAudience.Thumbnail, "t")]
    [InlineData(MuxPlaybackAudience.Storyboard, "s")]
    public async Task Token_is_rs256_under_the_key_id_for_the_playback_id_and_audience(MuxPlaybackAudience audience, string aud)
    {
        using var signer = Signer(Base64(_rsa.ExportRSAPrivateKeyPem()));

        var token = signer.Sign(PlaybackId, audience, TimeSpan.FromMinutes(10));

        var jwt = await VerifiedAsync(token, aud);
        Assert.Equal("RS256", jwt.Alg);
        Assert.Equal(KeyId, jwt.Kid);
        Assert.Equal(PlaybackId, jwt.Subject);
        Assert.Equal([aud], jwt.Audiences);
        Assert.Equal(NowInSeconds.AddMinutes(10).ToUnixTimeSeconds(), jwt.GetPayloadValue<long>("exp"));
        Assert.False(jwt.TryGetPayloadValue<long>("nbf", out _), "no nbf: a clock ahead of Mux's would refuse playback");
    }

    [Fact]
    public async Task A_pkcs8_key_signs_as_well_as_a_pkcs1_key()
    {
        using var signer = Signer(Base64(_rsa.ExportPkcs8PrivateKeyPem()));

        var jwt = await VerifiedAsync(signer.Sign(PlaybackId, MuxPlaybackAudience.Video, TimeSpan.FromMinutes(1)), "v");

        Assert.Equal(PlaybackId, jwt.Subject);
    }

    [Fact]
    public async Task A_pem_pasted_without_base64_is_accepted_too()
    {
        using var signer = Signer("\n" + _rsa.ExportRSAPrivateKeyPem() + "\n");

        var jwt = await VerifiedAsync(signer.Sign(PlaybackId, MuxPlaybackAudience.Video, TimeSpan.FromMinutes(1)), "v");

        Assert.Equal(KeyId, jwt.Kid);
    }

    [Fact]
    public async Task A_signer_still_signs_after_an_earlier_one_with_the_same_key_was_disposed()
    {
        var configured = Base64(_rsa.ExportPkcs8PrivateKeyPem());
        using (var earlier = Signer(configured))
        {
            earlier.Sign(PlaybackId, MuxPlaybackAudience.Video, TimeSpan.FromMinutes(1));
        }
        using var later = Signer(configured);

        var jwt = await VerifiedAsync(later.Sign(PlaybackId, MuxPlaybackAudience.Video, TimeSpan.FromMinutes(1)), "v");

        Assert.Equal(PlaybackId, jwt.Subject);
    }

    [Fact]
    public async Task A_token_from_another_key_does_not_verify()
    {
        using var other = RSA.Create(2048);
        using var signer = Signer(Base64(other.ExportPkcs8PrivateKeyPem()));

        var result = await Validate(signer.Sign(PlaybackId, MuxPlaybackAudience.Video, TimeSpan.FromMinutes(1)), "v");

        Assert.False(result.IsValid);
    }

    [Fact]
    public async Task Urls_point_at_stream_thumbnail_and_storyboard_each_with_its_own_audience()
    {
        using var signer = Signer(Base64(_rsa.ExportRSAPrivateKeyPem()));

        var urls = signer.SignUrls(PlaybackId, TimeSpan.FromMinutes(12));

        Assert.StartsWith($"https://stream.mux.com/{PlaybackId}.m3u8?token=", urls.StreamUrl);
        Assert.StartsWith($"https://image.mux.com/{PlaybackId}/thumbnail.jpg?token=", urls.ThumbnailUrl);
        Assert.StartsWith($"https://image.mux.com/{PlaybackId}/storyboard.vtt?token=", urls.StoryboardUrl);
        Assert.Equal(["v"], (await VerifiedAsync(TokenOf(urls.StreamUrl), "v")).Audiences);
        Assert.Equal(["t"], (await VerifiedAsync(TokenOf(urls.ThumbnailUrl), "t")).Audiences);
        Assert.Equal(["s"], (await VerifiedAsync(TokenOf(urls.StoryboardUrl), "s")).Audiences);
    }

    [Fact]
    public async Task Urls_last_the_duration_plus_the_margin()
    {
        using var signer = Signer(Base64(_rsa.ExportRSAPrivateKeyPem()));

        var urls = signer.SignUrls(PlaybackId, TimeSpan.FromMinutes(12));

        var expected = NowInSeconds + TimeSpan.FromMinutes(12) + MuxPlaybackSigner.PlaybackMargin;
        Assert.Equal(expected, urls.ExpiresAt);
        var exp = (await VerifiedAsync(TokenOf(urls.StreamUrl), "v")).GetPayloadValue<long>("exp");
        Assert.Equal(expected.ToUnixTimeSeconds(), exp);
    }

    [Theory]
    [InlineData(30.0)]
    [InlineData(23.5)]
    [InlineData(null)]
    public void Urls_never_last_more_than_a_day(double? hours)
    {
        using var signer = Signer(Base64(_rsa.ExportRSAPrivateKeyPem()));

        var urls = signer.SignUrls(PlaybackId, hours is { } h ? TimeSpan.FromHours(h) : null);

        Assert.Equal(NowInSeconds + TimeSpan.FromHours(24), urls.ExpiresAt);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(24 * 60 + 1)]
    public void A_lifetime_of_nothing_or_beyond_a_day_is_refused(int minutes)
    {
        using var signer = Signer(Base64(_rsa.ExportRSAPrivateKeyPem()));

        Assert.Throws<ArgumentOutOfRangeException>(() => signer.Sign(PlaybackId, MuxPlaybackAudience.Video, TimeSpan.FromMinutes(minutes)));
    }

    public static TheoryData<string> UnusableKeys()
    {
        using var rsa = RSA.Create(2048);
        using var small = RSA.Create(1024);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new TheoryData<string>(
            "not base64 at all!",
            Base64("just some text, no PEM"),
            Base64(rsa.ExportSubjectPublicKeyInfoPem()),
            Base64(ec.ExportPkcs8PrivateKeyPem()),
            Base64(small.ExportRSAPrivateKeyPem()),
            Base64(rsa.ExportEncryptedPkcs8PrivateKeyPem("password", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000))),
            Base64("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----"));
    }

    [Theory]
    [MemberData(nameof(UnusableKeys))]
    public void Unusable_key_material_is_refused_naming_the_setting(string configured)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Signer(configured));

        Assert.StartsWith("Mux:SigningKeyPrivate", error.Message, StringComparison.Ordinal);
        Assert.NotNull(MuxPlaybackSigner.DescribeKeyProblem(configured));
    }

    [Fact]
    public void A_missing_key_is_refused_naming_the_setting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Signer(""));

        Assert.Equal("Mux:SigningKeyPrivate is required to sign playback tokens.", error.Message);
    }

    [Fact]
    public void A_missing_key_id_is_refused_naming_the_setting()
    {
        var options = Options.Create(new MuxOptions { SigningKeyPrivate = Base64(_rsa.ExportRSAPrivateKeyPem()) });

        var error = Assert.Throws<InvalidOperationException>(() => new MuxPlaybackSigner(options, _time));

        Assert.Contains("Mux:SigningKeyId", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_usable_key_has_no_problem_to_describe()
    {
        Assert.Null(MuxPlaybackSigner.DescribeKeyProblem(Base64(_rsa.ExportPkcs8PrivateKeyPem())));
    }

    private MuxPlaybackSigner Signer(string configuredKey) =>
        new(Options.Create(new MuxOptions { SigningKeyId = KeyId, SigningKeyPrivate = configuredKey }), _time);

    private async Task<JsonWebToken> VerifiedAsync(string token, string audience)
    {
        var result = await Validate(token, audience);
        Assert.True(result.IsValid, result.Exception?.Message);
        return (JsonWebToken)result.SecurityToken;
    }

    private Task<TokenValidationResult> Validate(string token, string audience) =>
        new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKey = new RsaSecurityKey(_rsa.ExportParameters(includePrivateParameters: false)),
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            ValidAudience = audience,
            ValidateIssuer = false,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            // The tokens are stamped with the fake clock; judge their lifetime by it too.
            LifetimeValidator = (_, expires, _, _) => expires > Now.UtcDateTime,
        });

    private static string TokenOf(string url) => url[(url.IndexOf("?token=", StringComparison.Ordinal) + "?token=".Length)..];

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
