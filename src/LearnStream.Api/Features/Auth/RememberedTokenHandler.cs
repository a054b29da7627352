using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LearnStream.Api.Features.Auth;

/// <summary>
/// The bearer handler's token handler. A token string that <see cref="VerifiedTokenCache"/> remembers
/// is validated from the parsed token it holds instead of being read again: reading is the same work
/// for the same string. Everything else runs as for any token: the signature step (through the cache's
/// validator, so the key is looked up by kid every time), lifetime, issuer, audience, type and the
/// claims identity, built anew for each request.
/// </summary>
public sealed class RememberedTokenHandler(VerifiedTokenCache verified) : JsonWebTokenHandler
{
    public override Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters) =>
        verified.Parsed(token) is { } jwt
            ? ValidateTokenAsync(jwt, validationParameters)
            : base.ValidateTokenAsync(token, validationParameters);
}
