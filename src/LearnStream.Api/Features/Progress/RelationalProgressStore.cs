using System.Security.Cryptography;
using System.Text;
using LearnStream.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace LearnStream.Api.Features.Progress;

/// <summary>
/// Progress in the relational database. A batch is one read of the rows it touches, an in-memory
/// merge, and one SaveChanges; a row whose version moved since the read fails the whole batch, which
/// is then merged again from fresh rows. That is safe because the merge is idempotent.
/// </summary>
public sealed class RelationalProgressStore(LearnStreamDbContext db) : IProgressStore
{
    /// <summary>Keys per IN list and rows per activity insert: far below SQLite's and PostgreSQL's parameter limits.</summary>
    internal const int ChunkSize = 500;

    /// <summary>Each round at least one contender commits, and the jittered backoff spreads the rest.</summary>
    internal const int MaxAttempts = 10;

    public async Task<LessonProgress?> FindAsync(Guid userId, string lessonId, CancellationToken cancellationToken)
    {
        var key = LessonProgress.KeyOf(userId, lessonId);
        var row = await db.LessonProgress.AsNoTracking().FirstOrDefaultAsync(p => p.Id == key, cancellationToken);
        return row?.ToProgress();
    }

    public async Task MergeAsync(IReadOnlyCollection<LessonProgress> states, double completionThreshold, CancellationToken cancellationToken)
    {
        if (states.Count == 0)
        {
            return;
        }
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await MergeOnceAsync(states, completionThreshold, cancellationToken);
                    break;
                }
                catch (DbUpdateException e) when (attempt < MaxAttempts && (e is DbUpdateConcurrencyException || e.IsUniqueViolation()))
                {
                    // Another node wrote one of these rows (or created it) after our read: read again and merge onto theirs.
                    db.ChangeTracker.Clear();
                    await Task.Delay(Backoff(attempt), cancellationToken);
                }
            }
        }
        finally
        {
            // The context may be pooled or reused by the caller: leave no thousands of tracked rows behind.
            db.ChangeTracker.Clear();
        }
        await RecordActivityAsync(states, cancellationToken);
    }

    public async Task<IReadOnlyList<LessonProgress>> ListByUserAsync(Guid userId, IReadOnlyCollection<string>? courseIds, CancellationToken cancellationToken)
    {
        var rows = db.LessonProgress.AsNoTracking().Where(p => p.UserId == userId);
        // A learner in more courses than one IN list holds is rare: then filter their rows here.
        var inQuery = courseIds is { Count: <= ChunkSize };
        if (inQuery)
        {
            var ids = courseIds!.ToArray();
            rows = rows.Where(p => ids.Contains(p.CourseId));
        }
        var found = await rows.ToListAsync(cancellationToken);
        if (courseIds is not null && !inQuery)
        {
            var wanted = courseIds.ToHashSet(StringComparer.Ordinal);
            found.RemoveAll(p => !wanted.Contains(p.CourseId));
        }
        return found.ConvertAll(p => p.ToProgress());
    }

    public async Task<(IReadOnlyList<LessonProgress> Items, int Total)> HistoryAsync(Guid userId, int skip, int take, CancellationToken cancellationToken)
    {
        var rows = db.LessonProgress.AsNoTracking().Where(p => p.UserId == userId);
        var total = await rows.CountAsync(cancellationToken);
        if (take <= 0 || skip >= total)
        {
            return ([], total);
        }
        var page = await rows.OrderByDescending(p => p.LastWatchedAt).ThenBy(p => p.LessonId)
            .Skip(skip).Take(take)
            .ToListAsync(cancellationToken);
        return (page.ConvertAll(p => p.ToProgress()), total);
    }

    public async Task<IReadOnlyList<LessonProgress>> ListByCourseAsync(string courseId, CancellationToken cancellationToken)
    {
        var rows = await db.LessonProgress.AsNoTracking().Where(p => p.CourseId == courseId).ToListAsync(cancellationToken);
        return rows.ConvertAll(p => p.ToProgress());
    }

    public async Task<IReadOnlyList<ActivityDay>> ActivityAsync(string courseId, DateOnly from, CancellationToken cancellationToken) =>
        await db.LearnerActivity.AsNoTracking()
            .Where(a => a.CourseId == courseId && a.Day >= from)
            .OrderBy(a => a.Day).ThenBy(a => a.UserId)
            .Select(a => new ActivityDay(a.CourseId, a.UserId, a.Day))
            .ToListAsync(cancellationToken);

    private async Task MergeOnceAsync(IReadOnlyCollection<LessonProgress> states, double completionThreshold, CancellationToken cancellationToken)
    {
        var stored = new Dictionary<string, ProgressRecord>(StringComparer.Ordinal);
        foreach (var chunk in states.Select(s => s.Key).Chunk(ChunkSize))
        {
            foreach (var row in await db.LessonProgress.Where(p => chunk.Contains(p.Id)).ToListAsync(cancellationToken))
            {
                stored[row.Id] = row;
            }
        }
        foreach (var state in states)
        {
            if (stored.TryGetValue(state.Key, out var row))
            {
                var before = row.ToProgress();
                var merged = before.Merge(state, completionThreshold);
                // A replayed batch changes nothing: then the row stays untouched and costs no write.
                if (merged.SameProgressAs(before) && merged.CompletedAt == before.CompletedAt)
                {
                    continue;
                }
                row.Apply(merged);
                row.Version++;
            }
            else
            {
                // Merging a state with itself normalizes it (clamps, completes it if covered enough).
                db.LessonProgress.Add(ProgressRecord.From(state.Merge(state, completionThreshold)));
            }
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// One multi-row insert per chunk that skips rows already there: idempotent and race-free on both
    /// providers, where an EF insert would fail the batch on the first day already recorded.
    /// </summary>
    private async Task RecordActivityAsync(IReadOnlyCollection<LessonProgress> states, CancellationToken cancellationToken)
    {
        var days = states
            .SelectMany(s => new[] { Day(s.FirstWatchedAt), Day(s.LastWatchedAt) }, (s, day) => (s.CourseId, day, s.UserId))
            .Distinct()
            .ToList();
        foreach (var chunk in days.Chunk(ChunkSize))
        {
            var sql = new StringBuilder("""INSERT INTO learner_activity ("CourseId", "Day", "UserId") VALUES """);
            var parameters = new object[chunk.Length * 3];
            for (var i = 0; i < chunk.Length; i++)
            {
                sql.Append(i == 0 ? "(" : ", (").Append('{').Append(3 * i).Append("}, {").Append(3 * i + 1).Append("}, {").Append(3 * i + 2).Append("})");
                parameters[3 * i] = chunk[i].CourseId;
                parameters[3 * i + 1] = chunk[i].day;
                parameters[3 * i + 2] = chunk[i].UserId;
            }
            sql.Append(" ON CONFLICT DO NOTHING");
            // Values travel as parameters typed by the provider's mappings, so they are stored as EF reads them.
            await db.Database.ExecuteSqlRawAsync(sql.ToString(), parameters, cancellationToken);
        }
    }

    private static DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);

    private static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(RandomNumberGenerator.GetInt32(1, 5 << Math.Min(attempt, 7)));
}
