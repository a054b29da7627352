using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using LearnStream.Api.Data;
using LearnStream.Api.Features.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LearnStream.Api.Features.Auth;

/// <summary>The body of login and refresh.</summary>
public sealed record TokenResponse(
    string AccessToken,
    string TokenType,
    int ExpiresIn,
    string RefreshToken,
    DateTimeOffset RefreshTokenExpiresAt);

/// <summary>
/// Sessions and their refresh tokens: start at login, rotate at refresh (with reuse detection, RFC 9700),
/// end at logout, and end in bulk when an account changes.
/// </summary>
public sealed class SessionService(
    LearnStreamDbContext db,
    AccessTokenIssuer issuer,
    SessionRevocations revocations,
    IOptions<SessionOptions> options,
    TimeProvider time,
    ILogger<SessionService> logger)
{
    public async Task<TokenResponse> StartAsync(User user, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var session = new AuthSession
        {
            Id = Guid.CreateVersion7(now),
            UserId = user.Id,
            CreatedAt = now,
            ExpiresAt = now.AddDays(options.Value.LifetimeDays),
        };
        db.Sessions.Add(session);
        var (refreshToken, row) = NewRefreshToken(session, now);
        db.RefreshTokens.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        return Respond(user.Id, user.Role, session.Id, refreshToken, row.ExpiresAt);
    }

    /// <summary>Spends the token and issues a new pair, atomically; null when the token cannot be used.</summary>
    public async Task<TokenResponse?> RefreshAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var hash = HashToken(refreshToken);
        var now = time.GetUtcNow();
        var found = await (
                from token in db.RefreshTokens
                join owner in db.Sessions on token.SessionId equals owner.Id
                join user in db.Users on owner.UserId equals user.Id
                where token.TokenHash == hash
                select new { token.Id, token.SpentAt, token.ExpiresAt, Session = owner, user.Role, user.Disabled })
            .AsNoTracking()
            .SingleOrDefaultAsync(cancellationToken);
        if (found is null)
        {
            return null;
        }
        if (found.SpentAt is not null)
        {
            await RevokeReusedAsync(found.Session.Id, cancellationToken);
            return null;
        }
        var session = found.Session;
        if (found.ExpiresAt <= now || session.RevokedAt is not null || session.ExpiresAt <= now || found.Disabled)
        {
            return null;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // The conditional update is the race's referee: of concurrent refreshes, exactly one sees a row change.
        var spent = await db.RefreshTokens
            .Where(t => t.Id == found.Id && t.SpentAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.SpentAt, now), cancellationToken);
        if (spent == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            await RevokeReusedAsync(session.Id, cancellationToken);
            return null;
        }
        var (newToken, row) = NewRefreshToken(session, now);
        db.RefreshTokens.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Respond(session.UserId, found.Role, session.Id, newToken, row.ExpiresAt);
    }

    /// <summary>Ends the session a refresh token belongs to, whether or not the token was spent.</summary>
    public async Task EndAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var hash = HashToken(refreshToken);
        var sessionId = await db.RefreshTokens.Where(t => t.TokenHash == hash).Select(t => (Guid?)t.SessionId)
            .SingleOrDefaultAsync(cancellationToken);
        if (sessionId is { } id)
        {
            await RevokeAsync([id], "logout", cancellationToken);
        }
    }

    /// <summary>Ends every live session of a user, except <paramref name="keep"/> when given.</summary>
    public async Task EndAllAsync(Guid userId, string reason, CancellationToken cancellationToken, Guid? keep = null)
    {
        var now = time.GetUtcNow();
        var ids = await db.Sessions
            .Where(s => s.UserId == userId && s.RevokedAt == null && s.ExpiresAt > now && s.Id != keep)
            .Select(s => s.Id)
            .ToListAsync(cancellationToken);
        await RevokeAsync(ids, reason, cancellationToken);
    }

    private async Task RevokeReusedAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        logger.LogWarning("Spent refresh token presented again; ending session {SessionId}", sessionId);
        await RevokeAsync([sessionId], "refresh-token-reuse", cancellationToken);
    }

    private async Task RevokeAsync(List<Guid> sessionIds, string reason, CancellationToken cancellationToken)
    {
        if (sessionIds.Count == 0)
        {
            return;
        }
        var now = time.GetUtcNow();
        await db.Sessions
            .Where(s => sessionIds.Contains(s.Id) && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now).SetProperty(x => x.RevokedReason, reason), cancellationToken);
        await revocations.PublishAsync(sessionIds);
    }

    private TokenResponse Respond(Guid userId, string role, Guid sessionId, string refreshToken, DateTimeOffset refreshExpiresAt)
    {
        var access = issuer.Issue(userId, role, sessionId);
        return new TokenResponse(access.Value, "Bearer", access.ExpiresInSeconds, refreshToken, refreshExpiresAt);
    }

    private (string Token, RefreshToken Row) NewRefreshToken(AuthSession session, DateTimeOffset now)
    {
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var idleEnd = now.AddDays(options.Value.IdleDays);
        var row = new RefreshToken
        {
            Id = Guid.CreateVersion7(now),
            SessionId = session.Id,
            TokenHash = HashToken(token),
            CreatedAt = now,
            ExpiresAt = idleEnd < session.ExpiresAt ? idleEnd : session.ExpiresAt,
        };
        return (token, row);
    }

    public static byte[] HashToken(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
