using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LearnStream.Api.Features.Auth;

public readonly record struct AccessToken(string Value, DateTimeOffset ExpiresAt, int ExpiresInSeconds);

/// <summary>Mints the short-lived ES256 access tokens (RFC 9068 <c>at+jwt</c>).</summary>
public sealed class AccessTokenIssuer(SigningKeyRing keys, IOptions<JwtOptions> options, TimeProvider time)
{
    public const string TokenType = "at+jwt";
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public AccessToken Issue(Guid userId, string role, Guid sessionId)
    {
        var jwt = options.Value;
        // JWT times are whole seconds; truncating keeps exp and expiresIn consistent.
        var now = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds());
        var expires = now + jwt.AccessTokenLifetime;
        var token = Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = jwt.Issuer,
            Audience = jwt.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            TokenType = TokenType,
            SigningCredentials = keys.SigningCredentials,
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = userId.ToString(),
                ["role"] = role,
                [JwtRegisteredClaimNames.Sid] = sessionId.ToString(),
                [JwtRegisteredClaimNames.Jti] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            },
        });
        return new AccessToken(token, expires, (int)jwt.AccessTokenLifetime.TotalSeconds);
    }

    /// <summary>What every access token must satisfy: algorithm, issuer, audience, lifetime and type are pinned.</summary>
    public static TokenValidationParameters ValidationParameters(JwtOptions jwt, SigningKeyRing keys) =>
        ValidationParameters(jwt, keys, new VerifiedTokenCache(jwt.VerifiedTokenCacheSize, TimeProvider.System));

    /// <summary>The same, with the signature checked through <paramref name="verified"/> (once per token string).</summary>
    public static TokenValidationParameters ValidationParameters(JwtOptions jwt, SigningKeyRing keys, VerifiedTokenCache verified) => new()
    {
        ValidIssuer = jwt.Issuer,
        ValidAudience = jwt.Audience,
        ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        ValidTypes = [TokenType],
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        ValidateIssuerSigningKey = true,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        // Replaces the handler's own signature check, key resolution and algorithm check included, with
        // the same rules: ES256 only, the key found by kid in the ring only (headers such as jku, x5u or
        // jwk are never followed), never trying every key. The handler then validates lifetime, issuer,
        // audience and type as usual. ValidAlgorithms, RequireSignedTokens and the two settings below pin
        // the same rules for the handler's own path, should the validator ever be taken out.
        SignatureValidator = (token, _) => verified.ValidateSignature(token, keys),
        IssuerSigningKeyResolver = (_, _, kid, _) => keys.Find(kid) is { } key ? [key] : [],
        TryAllIssuerSigningKeys = false,
        ClockSkew = JwtOptions.ClockSkew,
        NameClaimType = JwtRegisteredClaimNames.Sub,
        RoleClaimType = "role",
    };
}
