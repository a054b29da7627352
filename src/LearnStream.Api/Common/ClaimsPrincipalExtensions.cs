using System.Security.Claims;

namespace LearnStream.Api.Common;

public static class ClaimsPrincipalExtensions
{
    /// <summary>The user id from <c>sub</c>; only called behind authorization, where it is always present.</summary>
    public static Guid UserId(this ClaimsPrincipal user) =>
        Guid.Parse(user.FindFirstValue("sub") ?? throw new InvalidOperationException("No sub claim."));

    public static Guid SessionId(this ClaimsPrincipal user) =>
        Guid.Parse(user.FindFirstValue("sid") ?? throw new InvalidOperationException("No sid claim."));

    public static string Role(this ClaimsPrincipal user) => user.FindFirstValue("role") ?? "";
}
