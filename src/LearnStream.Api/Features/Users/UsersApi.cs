using LearnStream.Api.Common;
using LearnStream.Api.Data;
using LearnStream.Api.Features.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace LearnStream.Api.Features.Users;

public static class UsersApi
{
    public static IEndpointRouteBuilder MapUserEndpoints(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/v1/me").WithTags("Users").RequireAuthorization();
        me.MapGet("/", GetMe);
        me.MapPatch("/", UpdateMe);

        var admin = app.MapGroup("/api/v1/admin/users").WithTags("Admin").RequireAuthorization(AuthExtensions.AdminPolicy);
        admin.MapGet("/", ListUsers);
        admin.MapPatch("/{id}", UpdateUser);
        return app;
    }

    public static async Task<Results<Ok<MeResponse>, NotFound>> GetMe(HttpContext context, LearnStreamDbContext db, CancellationToken cancellationToken)
    {
        var id = context.User.UserId();
        var me = await db.Users.AsNoTracking().Where(u => u.Id == id)
            .Select(u => new MeResponse(u.Id, u.Name, u.Email, u.Role, u.CreatedAt))
            .SingleOrDefaultAsync(cancellationToken);
        return me is null ? TypedResults.NotFound() : TypedResults.Ok(me);
    }

    public static async Task<Results<Ok<MeResponse>, ValidationProblem, ProblemHttpResult, NotFound>> UpdateMe(
        UpdateMeRequest request, HttpContext context, LearnStreamDbContext db, PasswordPolicy policy,
        PasswordHashingGate hashing, SessionService sessions, TimeProvider time, CancellationToken cancellationToken)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == context.User.UserId(), cancellationToken);
        if (user is null)
        {
            return TypedResults.NotFound();
        }

        var changesEmail = request.Email is { } email && User.Normalize(email) != user.NormalizedEmail;
        var changesPassword = request.NewPassword is not null;
        if (changesEmail || changesPassword)
        {
            if (request.CurrentPassword is null)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["currentPassword"] = ["Changing the email or password needs the current password."],
                });
            }
            var verification = await hashing.VerifyAsync(user.PasswordHash, request.CurrentPassword, cancellationToken);
            if (verification is null)
            {
                return AuthApi.Busy(context);
            }
            if (verification == PasswordVerification.Failed)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["currentPassword"] = ["The current password is incorrect."] });
            }
        }
        if (request.NewPassword is { } newPassword)
        {
            if (policy.Check(newPassword) is { } weak)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["newPassword"] = [weak] });
            }
            if (await hashing.HashAsync(newPassword, cancellationToken) is not { } hash)
            {
                return AuthApi.Busy(context);
            }
            user.PasswordHash = hash;
        }
        if (request.Name is { } name)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = ["The name cannot be blank."] });
            }
            user.Name = name.Trim();
        }
        if (changesEmail)
        {
            user.Email = request.Email!.Trim();
            user.NormalizedEmail = User.Normalize(request.Email);
        }
        user.UpdatedAt = time.GetUtcNow();
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return AuthApi.EmailTaken();
        }
        if (changesPassword)
        {
            // Whoever else holds a session may hold it because they knew the old password.
            await sessions.EndAllAsync(user.Id, "password-change", cancellationToken, keep: context.User.SessionId());
        }
        return TypedResults.Ok(new MeResponse(user.Id, user.Name, user.Email, user.Role, user.CreatedAt));
    }

    public static async Task<Results<Ok<Paged<AdminUserResponse>>, ValidationProblem>> ListUsers(
        LearnStreamDbContext db, string? search, string? role, int? page, int? pageSize, CancellationToken cancellationToken)
    {
        var errors = Paging.Validate(page, pageSize) ?? [];
        if (role is not null && !Roles.IsKnown(role))
        {
            errors["role"] = [$"role must be one of: {string.Join(", ", Roles.All)}."];
        }
        if (search is { Length: > 200 })
        {
            errors["search"] = ["search is at most 200 characters."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var query = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim().ToUpperInvariant();
            // Translated to SQL upper() and a substring test; the StringComparison overload is not translatable.
#pragma warning disable CA1862, CA1304, CA1311
            query = query.Where(u => u.NormalizedEmail.Contains(term) || u.Name.ToUpper().Contains(term));
#pragma warning restore CA1862, CA1304, CA1311
        }
        if (role is not null)
        {
            query = query.Where(u => u.Role == role);
        }
        var (p, size, skip) = Paging.Resolve(page, pageSize);
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderBy(u => u.CreatedAt).ThenBy(u => u.Id).Skip(skip).Take(size)
            .Select(u => new AdminUserResponse(u.Id, u.Name, u.Email, u.Role, u.Disabled, u.CreatedAt, u.UpdatedAt))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new Paged<AdminUserResponse>(items, p, size, total));
    }

    public static async Task<Results<Ok<AdminUserResponse>, ValidationProblem, NotFound, ProblemHttpResult>> UpdateUser(
        string id, AdminUpdateUserRequest request, HttpContext context, LearnStreamDbContext db,
        SessionService sessions, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var userId))
        {
            return TypedResults.NotFound();
        }
        if (request.Role is not null && !Roles.IsKnown(request.Role))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["role"] = [$"role must be one of: {string.Join(", ", Roles.All)}."] });
        }
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return TypedResults.NotFound();
        }
        var roleChanges = request.Role is not null && request.Role != user.Role;
        var disables = request.Disabled == true && !user.Disabled;
        if (user.Id == context.User.UserId() && (roleChanges || disables))
        {
            // Keeps at least the acting admin able to administer; another admin can do it.
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Cannot change yourself",
                detail: "An admin cannot change their own role or disable themselves.");
        }
        user.Role = request.Role ?? user.Role;
        user.Disabled = request.Disabled ?? user.Disabled;
        user.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        if (roleChanges || disables)
        {
            await sessions.EndAllAsync(user.Id, disables ? "disabled" : "role-change", cancellationToken);
        }
        return TypedResults.Ok(new AdminUserResponse(user.Id, user.Name, user.Email, user.Role, user.Disabled, user.CreatedAt, user.UpdatedAt));
    }
}
