using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LearnStream.Api.Features.Auth;

/// <summary>
/// The bearer handler's token handler. A token string that <see cref="VerifiedTokenCache"/> remembers
/// is validated from the parsed token it holds instead of being read again: reading is the same work
/// for the same string. Everything else runs as for any token the first time: the signature step
/// (through the cache's validator, so the key is looked up by kid every time), lifetime, issuer,
/// audience, type and the claims identity. After that first full validation, a request with the same
/// string gets the remembered result once the checks that can change between requests pass (see
/// <see cref="VerifiedTokenCache.Validated"/>), with the same read-only identity.
/// </summary>
public sealed class RememberedTokenHandler(VerifiedTokenCache verified, SigningKeyRing keys) : JsonWebTokenHandler
{
    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        if (verified.Validated(token, validationParameters, keys) is { } remembered)
        {
            return remembered;
        }
        var result = verified.Parsed(token) is { } jwt
            ? await ValidateTokenAsync(jwt, validationParameters)
            : await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid)
        {
            result.ClaimsIdentity = verified.RememberValidation(token, result, validationParameters);
        }
        return result;
    }
}
