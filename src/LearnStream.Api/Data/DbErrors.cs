using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LearnStream.Api.Data;

public static class DbErrors
{
    /// <summary>True when a write lost a race on a unique index; the caller answers 409.</summary>
    public static bool IsUniqueViolation(this DbUpdateException exception) => IsUniqueViolation((Exception)exception);

    /// <summary>Also for set-based writes (ExecuteUpdate), which throw the provider's exception directly.</summary>
    public static bool IsUniqueViolation(Exception exception) => exception switch
    {
        PostgresException pg => pg.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        DbUpdateException { InnerException: { } inner } => IsUniqueViolation(inner),
        _ => false,
    };

    /// <summary>
    /// Inserts a row whose key says "already done" (a provider event id): false when that key exists,
    /// so inside the caller's transaction a duplicate delivery stops before it changes anything.
    /// </summary>
    public static async Task<bool> TryInsertOnceAsync<T>(this DbContext db, T row, CancellationToken ct) where T : class
    {
        db.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return false;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }
}
