using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LearnStream.Api.Tests.Infrastructure;

/// <summary>Makes the tokens an attacker would try, some of them with the server's real key.</summary>
public static class TokenForge
{
    public static ECDsaSecurityKey ServerKey(StoreFixture fixture, string kid)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(Path.Combine(fixture.DataPath, "keys", "jwt-es256.pem")));
        return new ECDsaSecurityKey(key) { KeyId = kid };
    }

    public static string Sign(SecurityKey key, string algorithm, IDictionary<string, object> claims, string type = "at+jwt",
        IDictionary<string, object>? extraHeaders = null, DateTime? expires = null, string issuer = "learnstream", string audience = "learnstream")
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now.AddMinutes(-1),
            NotBefore = now.AddMinutes(-1),
            Expires = expires ?? now.AddMinutes(5),
            TokenType = type,
            Claims = claims,
            AdditionalHeaderClaims = extraHeaders,
            SigningCredentials = new SigningCredentials(key, algorithm),
        });
    }

    public static string WithoutSignature(IDictionary<string, object> claims) =>
        Segment(new { alg = "none", typ = "at+jwt" }) + "." + Segment(claims) + ".";

    /// <summary>Replaces the payload and keeps the original signature.</summary>
    public static string WithPayload(string token, Func<Dictionary<string, JsonElement>, Dictionary<string, JsonElement>> edit)
    {
        var parts = token.Split('.');
        var payload = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Base64Url.DecodeFromChars(parts[1]))!;
        return parts[0] + "." + Segment(edit(payload)) + "." + parts[2];
    }

    public static Dictionary<string, object> ReadClaims(string token) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Base64Url.DecodeFromChars(token.Split('.')[1]))!
            .ToDictionary(p => p.Key, p => (object)(p.Value.ValueKind == JsonValueKind.Number ? p.Value.GetInt64() : p.Value.GetString()!));

    public static string Kid(string token) =>
        JsonSerializer.Deserialize<JsonElement>(Base64Url.DecodeFromChars(token.Split('.')[0])).GetProperty("kid").GetString()!;

    public static JsonElement Header(string token) =>
        JsonSerializer.Deserialize<JsonElement>(Base64Url.DecodeFromChars(token.Split('.')[0]));

    private static string Segment(object value) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(value)));
}
