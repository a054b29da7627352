using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using LearnStream.Api.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace LearnStream.Api.Tests;

/// <summary>
/// Tokens an attacker can make. Each forged token differs from a genuine one in exactly one respect,
/// and the control test shows that the same forge, with nothing wrong, is accepted.
/// </summary>
public abstract class TokenAttackTests(StoreFixture fixture)
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    private async Task<(TestUser User, Dictionary<string, object> Claims, ECDsaSecurityKey Key)> GenuineAsync()
    {
        var user = await _client.NewUserAsync();
        var claims = TokenForge.ReadClaims(user.Tokens.AccessToken);
        var kid = TokenForge.Kid(user.Tokens.AccessToken);
        return (user, claims, TokenForge.ServerKey(fixture, kid));
    }

    private static Dictionary<string, object> Payload(Dictionary<string, object> claims, string role = "student") => new()
    {
        ["sub"] = claims["sub"],
        ["sid"] = claims["sid"],
        ["role"] = role,
        ["jti"] = Guid.NewGuid().ToString("N"),
    };

    [Fact]
    public async Task Genuine_token_carries_the_required_claims_and_header()
    {
        var user = await _client.NewUserAsync();

        var header = TokenForge.Header(user.Tokens.AccessToken);
        Assert.Equal("ES256", header.GetProperty("alg").GetString());
        Assert.Equal("at+jwt", header.GetProperty("typ").GetString());
        Assert.False(string.IsNullOrEmpty(header.GetProperty("kid").GetString()));
        var claims = TokenForge.ReadClaims(user.Tokens.AccessToken);
        foreach (var name in new[] { "sub", "role", "sid", "jti", "iss", "aud", "exp", "iat" })
        {
            Assert.True(claims.ContainsKey(name), $"missing {name}");
        }
        Assert.Equal(user.Id, claims["sub"]);
        Assert.InRange((long)claims["exp"] - (long)claims["iat"], 60, 900);

        using var jwks = await _client.GetAsync("/.well-known/jwks.json");
        var keys = (await jwks.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("keys").EnumerateArray().ToList();
        Assert.Contains(keys, k => k.GetProperty("kid").GetString() == header.GetProperty("kid").GetString());
        Assert.All(keys, k => Assert.False(k.TryGetProperty("d", out _), "a private key part is published"));
    }

    [Fact]
    public async Task Forged_token_signed_with_the_server_key_is_accepted_as_a_control()
    {
        var (_, claims, key) = await GenuineAsync();

        var token = TokenForge.Sign(key, SecurityAlgorithms.EcdsaSha256, Payload(claims));

        Assert.Equal(HttpStatusCode.OK, await _client.GetMeStatusAsync(token));
    }

    [Fact]
    public async Task Alg_none_is_refused()
    {
        var (_, claims, _) = await GenuineAsync();
        var payload = Payload(claims);
        payload["iss"] = "learnstream";
        payload["aud"] = "learnstream";
        payload["exp"] = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds();

        Assert.Equal(HttpStatusCode.Unauthorized, await _client.GetMeStatusAsync(TokenForge.WithoutSignature(payload)));
    }

    [Fact]
    public async Task Edited_payload_with_the_original_signature_is_refused()
    {
        var admin = await _client.LoginAdminAsync();
        var (user, _, _) = await GenuineAsync();
        var adminSub = TokenForge.ReadClaims(admin.AccessToken)["sub"];

        var promoted = TokenForge.WithPayload(user.Tokens.AccessToken, p =>
        {
            p["role"] = JsonSerializer.SerializeToElement("admin");
            return p;
        });
        var impersonating = TokenForge.WithPayload(user.Tokens.AccessToken, p =>
        {
            p["sub"] = JsonSerializer.SerializeToElement(adminSub);
            return p;
        });

        using var list = await _client.SendAsync(TestApi.Bearer(HttpMethod.Get, "/api/v1/admin/users", promoted));
        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await _client.GetMeStatusAsync(impersonating));
    }

    [Theory]
    [InlineData("issuer")]
    [InlineData("audience")]
    [InlineData("expired")]
    [InlineData("type")]
    public async Task Token_with_the_server_key_but_a_wrong_claim_is_refused(string wrong)
    {
        var (_, claims, key) = await GenuineAsync();

        var token = wrong switch
        {
            "issuer" => TokenForge.Sign(key, SecurityAlgorithms.EcdsaSha256, Payload(claims), issuer: "someone-else"),
            "audience" => TokenForge.Sign(key, SecurityAlgorithms.EcdsaSha256, Payload(claims), audience: "another-api"),
            "expired" => TokenForge.Sign(key, SecurityAlgorithms.EcdsaSha256, Payload(claims), expires: DateTime.UtcNow.AddSeconds(-45)),
            _ => TokenForge.Sign(key, SecurityAlgorithms.EcdsaSha256, Payload(claims), type: "JWT"),
        };

        Assert.Equal(HttpStatusCode.Unauthorized, await _client.GetMeStatusAsync(token));
    }

    [Fact]
    public async Task Refresh_token_used_as_a_bearer_token_is_refused()
    {
        var user = await _client.NewUserAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, await _client.GetMeStatusAsync(user.Tokens.RefreshToken));
    }

    [Fact]
    public async Task Attacker_key_is_refused_whatever_the_kid_jku_or_jwk_header_says()
    {
        var (_, claims, serverKey) = await GenuineAsync();
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var q = attacker.ExportParameters(false).Q;
        var embeddedJwk = new Dictionary<string, object>
        {
            ["kty"] = "EC", ["crv"] = "P-256",
            ["x"] = Base64UrlEncoder.Encode(q.X), ["y"] = Base64UrlEncoder.Encode(q.Y),
        };

        var sameKid = TokenForge.Sign(new ECDsaSecurityKey(attacker) { KeyId = serverKey.KeyId }, SecurityAlgorithms.EcdsaSha256, Payload(claims));
        var pathKid = TokenForge.Sign(new ECDsaSecurityKey(attacker) { KeyId = "../../../dev/null" }, SecurityAlgorithms.EcdsaSha256, Payload(claims));
        var withJku = TokenForge.Sign(new ECDsaSecurityKey(attacker) { KeyId = "attacker" }, SecurityAlgorithms.EcdsaSha256, Payload(claims),
            extraHeaders: new Dictionary<string, object> { ["jku"] = "http://127.0.0.1:9/jwks.json", ["x5u"] = "http://127.0.0.1:9/cert.pem" });
        var withJwk = TokenForge.Sign(new ECDsaSecurityKey(attacker) { KeyId = "attacker" }, SecurityAlgorithms.EcdsaSha256, Payload(claims),
            extraHeaders: new Dictionary<string, object> { ["jwk"] = embeddedJwk });

        foreach (var token in new[] { sameKid, pathKid, withJku, withJwk })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await _client.GetMeStatusAsync(token));
        }
    }

    [Fact]
    public async Task Hmac_token_keyed_with_the_public_key_is_refused()
    {
        var (_, claims, serverKey) = await GenuineAsync();
        var publicKey = serverKey.ECDsa.ExportSubjectPublicKeyInfo();

        var token = TokenForge.Sign(new SymmetricSecurityKey(publicKey) { KeyId = serverKey.KeyId }, SecurityAlgorithms.HmacSha256, Payload(claims));

        Assert.Equal(HttpStatusCode.Unauthorized, await _client.GetMeStatusAsync(token));
    }

    [Fact]
    public async Task Forged_token_for_an_ended_session_is_refused()
    {
        var (user, claims, key) = await GenuineAsync();
        using var logout = await _client.SendAsync(TestApi.Bearer(HttpMethod.Post, "/api/v1/auth/logout-all", user.Tokens.AccessToken));
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);

        var token = TokenForge.Sign(key, SecurityAlgorithms.EcdsaSha256, Payload(claims));

        Assert.Equal(HttpStatusCode.Unauthorized, await _client.GetMeStatusAsync(token));
    }
}

public sealed class TokenAttackTests_Sqlite(SqliteFixture fixture) : TokenAttackTests(fixture), IClassFixture<SqliteFixture>;

public sealed class TokenAttackTests_Postgres(PostgresRedisFixture fixture) : TokenAttackTests(fixture), IClassFixture<PostgresRedisFixture>;
