using LearnStream.Api.Common;
using LearnStream.Api.Data;
using LearnStream.Api.Features.Users;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace LearnStream.Api.Features.Auth;

public static class AuthApi
{
    private const string InvalidCredentials = "The email or password is incorrect.";

    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/.well-known/jwks.json", GetJwks).WithTags("Auth").AllowAnonymous();

        var group = app.MapGroup("/api/v1/auth").WithTags("Auth");
        group.MapPost("/register", Register).AddEndpointFilter<AuthAddressRateLimitFilter>();
        group.MapPost("/login", Login).AddEndpointFilter<AuthAddressRateLimitFilter>();
        group.MapPost("/refresh", Refresh).AddEndpointFilter<AuthAddressRateLimitFilter>();
        group.MapPost("/logout", Logout);
        group.MapPost("/logout-all", LogoutAll).RequireAuthorization();
        return app;
    }

    public static Ok<JwksDocument> GetJwks(SigningKeyRing keys) => TypedResults.Ok(keys.Jwks);

    public static async Task<Results<Created<RegisteredUser>, ValidationProblem, ProblemHttpResult>> Register(
        RegisterRequest request, HttpContext context, LearnStreamDbContext db, PasswordPolicy policy, PasswordHashingGate hashing, TimeProvider time, CancellationToken cancellationToken)
    {
        if (policy.Check(request.Password) is { } weak)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["password"] = [weak] });
        }
        var hash = await hashing.HashAsync(request.Password, cancellationToken);
        if (hash is null)
        {
            return Busy(context);
        }
        var now = time.GetUtcNow();
        var user = new User
        {
            Id = Guid.CreateVersion7(now),
            Name = request.Name.Trim(),
            Email = request.Email.Trim(),
            NormalizedEmail = User.Normalize(request.Email),
            PasswordHash = hash,
            Role = Roles.Student,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return EmailTaken();
        }
        return TypedResults.Created("/api/v1/me", new RegisteredUser(user.Id, user.Name, user.Email, user.Role));
    }

    public static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> Login(
        LoginRequest request, HttpContext context, LearnStreamDbContext db, PasswordHashingGate hashing,
        AuthRateLimiter limiter, SessionService sessions, CancellationToken cancellationToken)
    {
        var normalized = User.Normalize(request.Email);
        var throttle = await limiter.ForAccountAsync(normalized, cancellationToken);
        if (!throttle.Allowed)
        {
            return RateLimitResults.TooManyRequests(context, throttle.RetryAfter, "Too many login attempts for this account; wait and retry.");
        }

        var user = await db.Users.SingleOrDefaultAsync(u => u.NormalizedEmail == normalized, cancellationToken);
        // An unknown email is checked against a decoy hash: same work, same answer, same timing.
        var verification = await hashing.VerifyAsync(user?.PasswordHash, request.Password, cancellationToken);
        if (verification is null)
        {
            return Busy(context);
        }
        if (user is null || user.Disabled || verification == PasswordVerification.Failed)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Login failed", detail: InvalidCredentials);
        }
        if (verification == PasswordVerification.SucceededNeedsRehash && await hashing.HashAsync(request.Password, cancellationToken) is { } upgraded)
        {
            user.PasswordHash = upgraded;
        }
        context.Response.Headers.CacheControl = "no-store"; // RFC 6749 section 5.1: token responses are never cached
        return TypedResults.Ok(await sessions.StartAsync(user, cancellationToken));
    }

    public static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> Refresh(
        RefreshRequest request, HttpContext context, SessionService sessions, CancellationToken cancellationToken)
    {
        if (await sessions.RefreshAsync(request.RefreshToken, cancellationToken) is not { } pair)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Refresh failed",
                detail: "The refresh token is invalid, expired or already used.");
        }
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(pair);
    }

    public static async Task<NoContent> Logout(RefreshRequest request, SessionService sessions, CancellationToken cancellationToken)
    {
        await sessions.EndAsync(request.RefreshToken, cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<NoContent> LogoutAll(HttpContext context, SessionService sessions, CancellationToken cancellationToken)
    {
        await sessions.EndAllAsync(context.User.UserId(), "logout-all", cancellationToken);
        return TypedResults.NoContent();
    }

    internal static ProblemHttpResult EmailTaken() =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Email already registered",
            detail: "An account with this email exists.");

    internal static ProblemHttpResult Busy(HttpContext context)
    {
        context.Response.Headers.RetryAfter = "1";
        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Busy",
            detail: "Too many password checks are queued; retry in a moment.");
    }
}
