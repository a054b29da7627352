using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace LearnStream.Api.Features.Auth;

/// <summary>
/// The bearer scheme's handler: <see cref="JwtBearerHandler"/>, except for a token the handler has
/// already validated in full and <see cref="VerifiedTokenCache"/> remembers. Such a request is
/// authenticated with the remembered identity once the checks that can change between requests pass
/// (<see cref="VerifiedTokenCache.Validated(ReadOnlySpan{char}, Microsoft.IdentityModel.Tokens.TokenValidationParameters, SigningKeyRing)"/>'s:
/// not expired, the kid naming the same key, the same issuer and audience; and the session not ended), the
/// same answer the full path gives it, without the full path's work per request around that answer: a
/// copy of the validation parameters, the token handlers' loop, the events' contexts and the ticket's
/// properties. Nothing reads those properties (the token's issue and expiry times) here, so this ticket
/// has none. A player sends the same token with every beat, so this is most of the busiest route's
/// requests. Everything else (no token, one not remembered or not valid any more, a challenge, a forbid)
/// is <see cref="JwtBearerHandler"/>'s, with the events <see cref="AuthExtensions"/> gives it.
/// </summary>
public sealed class RememberedBearerHandler(IOptionsMonitor<JwtBearerOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    VerifiedTokenCache verified, SigningKeyRing keys, SessionRevocations revocations) : JwtBearerHandler(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = AuthExtensions.BearerToken(Request);
        if (!token.IsEmpty && verified.Validated(token, Options.TokenValidationParameters, keys) is { Session: { } session } remembered
            && !revocations.IsRevoked(session))
        {
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(remembered.Identity), Scheme.Name)));
        }
        // The full path, which also refuses a remembered token whose session has ended (OnTokenValidated).
        return base.HandleAuthenticateAsync();
    }
}
