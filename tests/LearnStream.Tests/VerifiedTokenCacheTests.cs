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

/// <summary>
/// The verified-signature cache may only ever save the signature math: each test caches a genuine token
/// first, then shows that what must fail still fails.
/// </summary>
public class VerifiedTokenCacheTests
{
    private readonly string _pem = TestKeys.NewP256Pem();
    private readonly JwtOptions _options;
    private readonly SigningKeyRing _ring;
    private readonly FakeTimeProvider _cacheTime = new(DateTimeOffset.UtcNow);
    private readonly VerifiedTokenCache _cache;
    private readonly CountingCryptoProviderFactory _verifications = new();

    public VerifiedTokenCacheTests()
    {
        _options = TestKeys.Options(("k1", _pem));
        _ring = TestKeys.Ring(_options);
        _ring.Find("k1")!.CryptoProviderFactory = _verifications;
        _cache = new VerifiedTokenCache(100, _cacheTime);
    }

    [Fact]
    public async Task A_token_seen_again_is_accepted_without_verifying_its_signature_again()
    {
        var token = Issue();

        var first = await Validate(token);
        var second = await Validate(token);

        Assert.True(first.IsValid, first.Exception?.Message);
        Assert.True(second.IsValid, second.Exception?.Message);
        Assert.Equal(1, _verifications.Count);
        Assert.True(_cache.Holds(token));
        Assert.Equal("student", second.ClaimsIdentity.FindFirst("role")?.Value);
        // Parsed once, validated in full once, and shared, identity included.
        Assert.Same(first.SecurityToken, second.SecurityToken);
        Assert.Same(first.ClaimsIdentity, second.ClaimsIdentity);
    }

    [Fact]
    public async Task A_remembered_token_is_found_by_its_characters_and_comes_back_as_the_remembered_string()
    {
        var token = Issue();
        Assert.Null(_cache.Remembered(token)); // not verified yet
        var validated = await Validate(token);
        var remembered = ((JsonWebToken)validated.SecurityToken).EncodedToken;

        // Found from a copy (as cut from a header), and handed back as the string the cache holds.
        Assert.Same(remembered, _cache.Remembered(("Bearer " + token).AsSpan(7)));
        Assert.Null(_cache.Remembered(token.AsSpan(0, token.Length - 1)));
        Assert.Null(_cache.Remembered(token + "A"));
        Assert.Null(_cache.Remembered(Issue()));
    }

    [Fact]
    public async Task The_shared_identity_of_a_token_cannot_be_changed_and_compares_claims_as_the_handler_does()
    {
        var identity = (await Validate(Issue())).ClaimsIdentity;

        Assert.IsType<AccessTokenIdentity>(identity);
        Assert.True(identity.IsAuthenticated);
        Assert.Throws<InvalidOperationException>(() => identity.AddClaim(new Claim("role", "admin")));
        Assert.Throws<InvalidOperationException>(() => identity.RemoveClaim(identity.FindFirst("role")));
        Assert.Equal("student", identity.FindFirst("role")?.Value);
        Assert.True(identity.HasClaim("role", "student"));
        // Ordinal, as the handler's case-sensitive identity compares.
        Assert.Null(identity.FindFirst("ROLE"));
        Assert.False(identity.HasClaim("role", "Student"));
        Assert.Equal(["student"], identity.FindAll("role").Select(c => c.Value));
        Assert.True(new ClaimsPrincipal(identity).IsInRole("student"));
        // A copy is the way to other claims.
        var copy = identity.Clone();
        copy.AddClaim(new Claim("role", "admin"));
        Assert.False(identity.HasClaim("role", "admin"));
    }

    [Fact]
    public async Task The_bearer_scheme_finds_a_remembered_validation_by_the_tokens_characters_under_the_same_checks()
    {
        var session = Guid.NewGuid();
        var token = new AccessTokenIssuer(_ring, TestKeys.Wrap(_options), new FakeTimeProvider(DateTimeOffset.UtcNow))
            .Issue(Guid.NewGuid(), "student", session).Value;
        var parameters = AccessTokenIssuer.ValidationParameters(_options, _ring, _cache);
        var header = "Bearer " + token; // the token is found by a span of the header, not as its own string
        _cache.ValidateSignature(token, _ring);
        Assert.Null(_cache.Validated(header.AsSpan(7), parameters, _ring)); // verified, but not yet validated in full

        var full = await Validate(token);
        var remembered = _cache.Validated(header.AsSpan(7), parameters, _ring);

        Assert.NotNull(remembered);
        Assert.Same(full.ClaimsIdentity, remembered.Identity);
        Assert.Equal(session, remembered.Session);
        Assert.Null(_cache.Validated(token.AsSpan(0, token.Length - 1), parameters, _ring));
        parameters.ValidAudience = "another-api";
        Assert.Null(_cache.Validated(header.AsSpan(7), parameters, _ring));
        parameters.ValidAudience = _options.Audience;
        // The kid now names another key.
        Assert.Null(_cache.Validated(header.AsSpan(7), parameters, TestKeys.Ring(TestKeys.Options(("k1", TestKeys.NewP256Pem())))));
        Assert.NotNull(_cache.Validated(header.AsSpan(7), parameters, _ring));
        _cacheTime.Advance(_options.AccessTokenLifetime + TimeSpan.FromSeconds(1));
        Assert.Null(_cache.Validated(header.AsSpan(7), parameters, _ring));
    }

    [Fact]
    public async Task A_remembered_validation_is_not_reused_once_the_token_expires_by_the_caches_clock()
    {
        var token = Issue();
        Assert.True((await Validate(token)).IsValid);
        var parameters = AccessTokenIssuer.ValidationParameters(_options, _ring, _cache);
        Assert.NotNull(_cache.Validated(token, parameters, _ring));

        _cacheTime.Advance(_options.AccessTokenLifetime + TimeSpan.FromSeconds(1));

        Assert.Null(_cache.Validated(token, parameters, _ring));
    }

    [Fact]
    public async Task A_token_validated_for_one_audience_is_validated_in_full_for_another()
    {
        var token = Issue();
        Assert.True((await Validate(token)).IsValid);
        var parameters = AccessTokenIssuer.ValidationParameters(_options, _ring, _cache);
        parameters.ValidAudience = "another-api";

        var result = await new RememberedTokenHandler(_cache, _ring) { MapInboundClaims = false }.ValidateTokenAsync(token, parameters);

        Assert.False(result.IsValid);
        Assert.IsType<SecurityTokenInvalidAudienceException>(result.Exception, exactMatch: false);
        parameters.ValidAudience = _options.Audience;
        parameters.ValidIssuer = "another-issuer";
        Assert.Null(_cache.Validated(token, parameters, _ring));
    }

    [Fact]
    public async Task A_payload_changed_by_one_character_is_rejected_right_after_the_genuine_token_was_cached()
    {
        var token = Issue();
        Assert.True((await Validate(token)).IsValid);
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[1]));
        var edited = payload.Replace("\"student\"", "\"studenT\"", StringComparison.Ordinal);
        Assert.NotEqual(payload, edited);
        var forged = $"{parts[0]}.{Encode(edited)}.{parts[2]}";

        var result = await Validate(forged);

        Assert.False(result.IsValid);
        Assert.IsType<SecurityTokenInvalidSignatureException>(result.Exception, exactMatch: false);
        Assert.False(_cache.Holds(forged));
    }

    [Fact]
    public async Task A_signature_changed_by_one_character_is_rejected_right_after_the_genuine_token_was_cached()
    {
        var token = Issue();
        Assert.True((await Validate(token)).IsValid);
        // A middle character: the last one of an 86-character signature carries 4 unused bits, so some
        // edits there decode to the same 64 bytes, a different string with the same valid signature.
        var at = token.LastIndexOf('.') + 40;
        var forged = string.Concat(token.AsSpan(0, at), token[at] == 'A' ? "B" : "A", token.AsSpan(at + 1));

        var result = await Validate(forged);

        Assert.False(result.IsValid);
        Assert.IsType<SecurityTokenInvalidSignatureException>(result.Exception, exactMatch: false);
    }

    [Fact]
    public async Task An_expired_token_is_rejected_although_its_signature_is_cached()
    {
        // Expired by the real clock that the handler reads; the cache's own clock still has it alive, so
        // it is remembered, and the lifetime check alone has to reject it.
        var issuedAt = DateTimeOffset.UtcNow - _options.AccessTokenLifetime - TimeSpan.FromMinutes(2);
        var cache = new VerifiedTokenCache(100, new FakeTimeProvider(issuedAt));
        var token = Issue(issuedAt);

        var first = await Validate(token, cache: cache);
        var second = await Validate(token, cache: cache);

        Assert.True(cache.Holds(token));
        Assert.IsType<SecurityTokenExpiredException>(first.Exception, exactMatch: false);
        Assert.IsType<SecurityTokenExpiredException>(second.Exception, exactMatch: false);
        Assert.Equal(1, _verifications.Count);
    }

    [Fact]
    public async Task Alg_none_and_hs256_are_rejected_for_the_claims_of_a_cached_token()
    {
        var token = Issue();
        Assert.True((await Validate(token)).IsValid);
        var parts = token.Split('.');
        var none = $"{Encode("""{"alg":"none","typ":"at+jwt","kid":"k1"}""")}.{parts[1]}.";
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(_pem);
        var hmacKey = new SymmetricSecurityKey(ecdsa.ExportSubjectPublicKeyInfo()) { KeyId = "k1" };
        var hs256 = new JsonWebTokenHandler().CreateToken(
            Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[1])),
            new SigningCredentials(hmacKey, SecurityAlgorithms.HmacSha256),
            new Dictionary<string, object> { ["typ"] = "at+jwt" });

        var noneResult = await Validate(none);
        var hs256Result = await Validate(hs256);

        Assert.False(noneResult.IsValid);
        Assert.False(hs256Result.IsValid);
        Assert.IsType<SecurityTokenInvalidAlgorithmException>(hs256Result.Exception, exactMatch: false);
        Assert.Equal(1, _cache.Count);
    }

    [Fact]
    public async Task A_token_with_an_unknown_kid_is_rejected_even_when_signed_by_a_trusted_key()
    {
        var renamed = TestKeys.Options(("k2", _pem));

        var result = await Validate(Issue(ring: TestKeys.Ring(renamed), options: renamed));

        Assert.False(result.IsValid);
        Assert.IsType<SecurityTokenSignatureKeyNotFoundException>(result.Exception, exactMatch: false);
        Assert.Equal(0, _cache.Count);
    }

    [Fact]
    public async Task A_cached_token_is_rejected_once_its_key_is_removed_from_the_ring()
    {
        var both = TestKeys.Options(("k1", _pem), ("k2", TestKeys.NewP256Pem()));
        var before = TestKeys.Ring(both);
        var token = Issue(ring: before, options: both);
        Assert.True((await Validate(token, before)).IsValid);
        Assert.True(_cache.Holds(token));
        var after = TestKeys.Ring(TestKeys.Options(("k2", both.SigningKeys[1].PrivateKey)));

        var result = await Validate(token, after);

        Assert.False(result.IsValid);
        Assert.IsType<SecurityTokenSignatureKeyNotFoundException>(result.Exception, exactMatch: false);
    }

    [Fact]
    public async Task A_cached_token_is_rejected_when_its_kid_now_names_another_key()
    {
        var token = Issue();
        Assert.True((await Validate(token)).IsValid);
        var replaced = TestKeys.Ring(TestKeys.Options(("k1", TestKeys.NewP256Pem())));

        var result = await Validate(token, replaced);

        Assert.False(result.IsValid);
        Assert.IsType<SecurityTokenInvalidSignatureException>(result.Exception, exactMatch: false);
    }

    [Fact]
    public void The_cache_never_holds_more_than_its_capacity_and_still_validates_what_does_not_fit()
    {
        var cache = new VerifiedTokenCache(3, _cacheTime);
        var tokens = Enumerable.Range(0, 10).Select(_ => Issue()).ToList();

        foreach (var token in tokens.Concat(tokens))
        {
            Assert.Equal("k1", cache.ValidateSignature(token, _ring).Kid);
            Assert.InRange(cache.Count, 1, 3);
        }

        Assert.Equal(3, tokens.Count(cache.Holds));
        // 10 first sightings, then the 7 that found no room are verified again.
        Assert.Equal(17, _verifications.Count);
    }

    [Fact]
    public void Entries_of_expired_tokens_make_room_for_new_ones()
    {
        var cache = new VerifiedTokenCache(3, _cacheTime);
        var old = Enumerable.Range(0, 3).Select(_ => Issue(_cacheTime.GetUtcNow())).ToList();
        old.ForEach(token => cache.ValidateSignature(token, _ring));
        Assert.Equal(3, cache.Count);

        _cacheTime.Advance(_options.AccessTokenLifetime + TimeSpan.FromSeconds(1));
        var fresh = Issue(_cacheTime.GetUtcNow());
        cache.ValidateSignature(fresh, _ring);

        Assert.True(cache.Holds(fresh));
        Assert.Equal(1, cache.Count);
        Assert.DoesNotContain(old, cache.Holds);
    }

    [Fact]
    public void A_zero_capacity_cache_verifies_every_time()
    {
        var cache = new VerifiedTokenCache(0, _cacheTime);
        var token = Issue();

        cache.ValidateSignature(token, _ring);
        cache.ValidateSignature(token, _ring);

        Assert.Equal(0, cache.Count);
        Assert.Equal(2, _verifications.Count);
    }

    private string Issue(DateTimeOffset? at = null, SigningKeyRing? ring = null, JwtOptions? options = null) =>
        new AccessTokenIssuer(ring ?? _ring, TestKeys.Wrap(options ?? _options), new FakeTimeProvider(at ?? DateTimeOffset.UtcNow))
            .Issue(Guid.NewGuid(), "student", Guid.NewGuid()).Value;

    // Through the bearer handler's own token handler, which validates a remembered token from its parsed
    // form: every test here then covers that path too.
    private Task<TokenValidationResult> Validate(string token, SigningKeyRing? ring = null, VerifiedTokenCache? cache = null) =>
        new RememberedTokenHandler(cache ?? _cache, ring ?? _ring) { MapInboundClaims = false }
            .ValidateTokenAsync(token, AccessTokenIssuer.ValidationParameters(_options, ring ?? _ring, cache ?? _cache));

    private static string Encode(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

    /// <summary>Counts signature verifications with the keys it is set on.</summary>
    private sealed class CountingCryptoProviderFactory : CryptoProviderFactory
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public override SignatureProvider CreateForVerifying(SecurityKey key, string algorithm)
        {
            Interlocked.Increment(ref _count);
            return base.CreateForVerifying(key, algorithm);
        }
    }
}
