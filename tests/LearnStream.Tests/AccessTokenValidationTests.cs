using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using LearnStream.Api.Features.Auth;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LearnStream.Tests;

public class AccessTokenValidationTests
{
    private static readonly Guid UserId = Guid.NewGuid();
    private static readonly Guid SessionId = Guid.NewGuid();

    private readonly string _pem = TestKeys.NewP256Pem();
    private readonly JwtOptions _options;
    private readonly SigningKeyRing _ring;

    public AccessTokenValidationTests()
    {
        _options = TestKeys.Options(("k1", _pem));
        _ring = TestKeys.Ring(_options);
    }

    [Fact]
    public async Task A_freshly_issued_token_is_valid_and_maps_subject_and_role()
    {
        var result = await Validate(Issue(_ring, _options));

        Assert.True(result.IsValid, result.Exception?.Message);
        var identity = Assert.IsType<ClaimsIdentity>(result.ClaimsIdentity, exactMatch: false);
        Assert.Equal(UserId.ToString(), identity.Name);
        Assert.True(new ClaimsPrincipal(identity).IsInRole("student"));
        Assert.Equal(SessionId.ToString(), identity.FindFirst("sid")?.Value);
    }

    [Fact]
    public async Task A_payload_edited_after_signing_is_rejected()
    {
        var parts = Issue(_ring, _options).Split('.');
        var payload = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!;
        payload["role"] = "admin";
        var forged = $"{parts[0]}.{Encode(payload.ToJsonString())}.{parts[2]}";

        var result = await Validate(forged);

        Assert.False(result.IsValid);
        Assert.IsType<SecurityTokenInvalidSignatureException>(result.Exception, exactMatch: false);
    }

    [Fact]
    public async Task An_unsigned_alg_none_token_is_rejected()
    {
        var payload = Issue(_ring, _options).Split('.')[1];
        var header = Encode("""{"alg":"none","typ":"at+jwt","kid":"k1"}""");

        var result = await Validate($"{header}.{payload}.");

        Assert.False(result.IsValid);
    }

    [Fact]
    public async Task A_token_signed_by_another_key_under_the_same_kid_is_rejected()
    {
        var impostor = TestKeys.Options(("k1", TestKeys.NewP256Pem()));

        var result = await Validate(Issue(TestKeys.Ring(impostor), impostor));

        Assert.False(result.IsValid);
        Assert.IsType<SecurityTokenInvalidSignatureException>(result.Exception, exactMatch: false);
    }

    [Fact]
    public async Task A_token_with_an_unknown_kid_is_rejected_even_when_signed_by_a_trusted_key()
    {
        // Same private key, other kid: only a lookup by kid (no trying every key) rejects it.
        var renamed = TestKeys.Options(("k2", _pem));

        var result = await Validate(Issue(TestKeys.Ring(renamed), renamed));

        Assert.False(result.IsValid);
    }

    [Fact]
    public async Task A_token_from_another_issuer_is_rejected()
    {
        var other = TestKeys.Options(("k1", _pem));
        other.Issuer = "someone-else";

        var result = await Validate(Issue(TestKeys.Ring(other), other));

        Assert.False(result.IsValid);
        Assert.IsType<SecurityTokenInvalidIssuerException>(result.Exception, exactMatch: false);
    }

    [Fact]
    public async Task A_token_for_another_audience_is_rejected()
    {
        var other = TestKeys.Options(("k1", _pem));
        other.Audience = "another-api";

        var result = await Validate(Issue(TestKeys.Ring(other), other));

        Assert.False(result.IsValid);
        Assert.IsType<SecurityTokenInvalidAudienceException>(result.Exception, exactMatch: false);
    }

    [Fact]
    public async Task A_correctly_signed_token_of_type_jwt_instead_of_at_jwt_is_rejected()
    {
        var token = Forge(_ring.SigningCredentials, type: "JWT");
        Assert.True((await Validate(Forge(_ring.SigningCredentials, type: "at+jwt"))).IsValid, "control");

        var result = await Validate(token);

        Assert.False(result.IsValid);
        Assert.IsType<SecurityTokenInvalidTypeException>(result.Exception, exactMatch: false);
    }

    [Fact]
    public async Task A_token_expired_beyond_the_30_second_skew_is_rejected()
    {
        var issuedAt = DateTimeOffset.UtcNow - _options.AccessTokenLifetime - TimeSpan.FromSeconds(60);

        var result = await Validate(Issue(_ring, _options, issuedAt));

        Assert.False(result.IsValid);
        Assert.IsType<SecurityTokenExpiredException>(result.Exception, exactMatch: false);
    }

    [Fact]
    public async Task A_token_expired_20_seconds_ago_is_still_accepted_within_the_skew()
    {
        var issuedAt = DateTimeOffset.UtcNow - _options.AccessTokenLifetime - TimeSpan.FromSeconds(20);

        var result = await Validate(Issue(_ring, _options, issuedAt));

        Assert.True(result.IsValid, result.Exception?.Message);
    }

    [Fact]
    public async Task A_token_without_an_expiry_is_rejected()
    {
        var result = await Validate(Forge(_ring.SigningCredentials, type: "at+jwt", withExpiry: false));

        Assert.False(result.IsValid);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_hs256_token_keyed_with_the_public_key_is_rejected(bool pemText)
    {
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(_pem);
        var secret = pemText ? Encoding.UTF8.GetBytes(ecdsa.ExportSubjectPublicKeyInfoPem()) : ecdsa.ExportSubjectPublicKeyInfo();
        var hmac = new SigningCredentials(new SymmetricSecurityKey(secret) { KeyId = "k1" }, SecurityAlgorithms.HmacSha256);

        var result = await Validate(Forge(hmac, type: "at+jwt"));

        Assert.False(result.IsValid);
    }

    [Fact]
    public async Task After_rotation_tokens_signed_by_the_previous_key_still_validate()
    {
        var previous = TestKeys.Options(("k1", _pem));
        var oldToken = Issue(TestKeys.Ring(previous), previous);
        var rotated = TestKeys.Options(("k1", _pem), ("k2", TestKeys.NewP256Pem()));
        rotated.ActiveKeyId = "k2";
        var ring = TestKeys.Ring(rotated);
        var newToken = Issue(ring, rotated);
        var parameters = AccessTokenIssuer.ValidationParameters(rotated, ring);

        Assert.Equal("k2", new JsonWebToken(newToken).Kid);
        Assert.True((await new JsonWebTokenHandler().ValidateTokenAsync(oldToken, parameters)).IsValid);
        Assert.True((await new JsonWebTokenHandler().ValidateTokenAsync(newToken, parameters)).IsValid);
    }

    private static string Issue(SigningKeyRing ring, JwtOptions options, DateTimeOffset? at = null) =>
        new AccessTokenIssuer(ring, TestKeys.Wrap(options), new FakeTimeProvider(at ?? DateTimeOffset.UtcNow))
            .Issue(UserId, "student", SessionId).Value;

    private string Forge(SigningCredentials credentials, string type, bool withExpiry = true)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = withExpiry ? now.AddMinutes(5) : null,
            TokenType = type,
            SigningCredentials = credentials,
            Claims = new Dictionary<string, object> { ["sub"] = UserId.ToString(), ["role"] = "admin" },
        });
    }

    private Task<TokenValidationResult> Validate(string token) =>
        new JsonWebTokenHandler().ValidateTokenAsync(token, AccessTokenIssuer.ValidationParameters(_options, _ring));

    private static string Encode(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
}
