using System.ComponentModel.DataAnnotations;
using LearnStream.Api.Features.Auth;

namespace LearnStream.Api.Features.Users;

public sealed record MeResponse(Guid Id, string Name, string Email, string Role, DateTimeOffset CreatedAt);

public sealed record UpdateMeRequest(
    [StringLength(UserLimits.NameLength, MinimumLength = 1)] string? Name,
    [EmailAddress, StringLength(UserLimits.EmailLength)] string? Email,
    [StringLength(AuthLimits.PasswordInputLength)] string? CurrentPassword,
    [StringLength(AuthLimits.PasswordInputLength)] string? NewPassword);

public sealed record AdminUserResponse(Guid Id, string Name, string Email, string Role, bool Disabled, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record AdminUpdateUserRequest(string? Role, bool? Disabled);
