using System.ComponentModel.DataAnnotations;
using LearnStream.Api.Features.Users;

namespace LearnStream.Api.Features.Auth;

// Requests are allow-lists: a field not named here (such as "role") is ignored, never bound.
public sealed record RegisterRequest(
    [Required, StringLength(UserLimits.NameLength, MinimumLength = 1)] string Name,
    [Required, EmailAddress, StringLength(UserLimits.EmailLength)] string Email,
    [Required, StringLength(AuthLimits.PasswordInputLength)] string Password);

public sealed record LoginRequest(
    [Required, StringLength(UserLimits.EmailLength)] string Email,
    [Required, StringLength(AuthLimits.PasswordInputLength)] string Password);

public sealed record RefreshRequest([Required, StringLength(AuthLimits.RefreshTokenLength)] string RefreshToken);

public sealed record RegisteredUser(Guid Id, string Name, string Email, string Role);

public static class AuthLimits
{
    /// <summary>Well above the policy's 256 characters, so the policy (not the binder) explains a long password.</summary>
    public const int PasswordInputLength = 1024;
    public const int RefreshTokenLength = 128;
}
