using System.Collections.ObjectModel;
using System.Security.Claims;

namespace LearnStream.Api.Features.Auth;

/// <summary>
/// The claims of a validated access token, shared by every request that carries the same token string
/// (see <see cref="VerifiedTokenCache"/>), so it cannot be changed: adding or removing a claim throws.
/// Claim types and values compare ordinally, as in the identity the token handler builds, and the look-ups
/// a request makes (<c>sub</c>, <c>sid</c>, <c>role</c>) walk the claims without allocating.
/// </summary>
public sealed class AccessTokenIdentity : ClaimsIdentity
{
    private readonly Claim[] _claims;
    private readonly ReadOnlyCollection<Claim> _readOnly;

    public AccessTokenIdentity(ClaimsIdentity validated)
        : base(validated.Claims, validated.AuthenticationType, validated.NameClaimType, validated.RoleClaimType)
    {
        _claims = [.. base.Claims];
        _readOnly = Array.AsReadOnly(_claims);
    }

    public override IEnumerable<Claim> Claims => _readOnly;

    public override Claim? FindFirst(string type)
    {
        foreach (var claim in _claims)
        {
            if (string.Equals(claim.Type, type, StringComparison.Ordinal))
            {
                return claim;
            }
        }
        return null;
    }

    public override IEnumerable<Claim> FindAll(string type) =>
        Array.FindAll(_claims, claim => string.Equals(claim.Type, type, StringComparison.Ordinal));

    public override bool HasClaim(string type, string value)
    {
        foreach (var claim in _claims)
        {
            if (string.Equals(claim.Type, type, StringComparison.Ordinal) && string.Equals(claim.Value, value, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    public override void AddClaim(Claim claim) => throw ReadOnly();

    public override void AddClaims(IEnumerable<Claim?> claims) => throw ReadOnly();

    public override void RemoveClaim(Claim? claim) => throw ReadOnly();

    public override bool TryRemoveClaim(Claim? claim) => throw ReadOnly();

    private static InvalidOperationException ReadOnly() =>
        new("An access token's identity is shared by every request carrying the token; Clone() it to change claims.");
}
