using System.Data.Common;
using System.Text;
using LearnStream.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace LearnStream.Api.Features.Progress;

/// <summary>
/// Progress in the relational database. A batch is one read of the rows it touches, an in-memory
/// merge, and one multi-row upsert per <see cref="WriteChunkSize"/> rows that writes a row only where
/// its version is still the one read (or, for a new row, where none exists yet). The rows another
/// node wrote in between come back unwritten and are merged again from fresh rows; that is safe because
/// the merge is idempotent. One statement per chunk instead of one per row is what lets a flush keep
/// up with many learners each beating now and then, where most rows take one beat per flush.
/// </summary>
public sealed class RelationalProgressStore(LearnStreamDbContext db) : IProgressStore
{
    /// <summary>Keys per IN list and rows per activity insert: far below SQLite's and PostgreSQL's parameter limits.</summary>
    internal const int ChunkSize = 500;

    /// <summary>Rows per upsert: on SQLite 13 parameters each (PostgreSQL binds 13 arrays in all), far below its parameter limit.</summary>
    internal const int WriteChunkSize = 200;

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
        await ProgressMerges.UntilWrittenAsync(states, completionThreshold, pending => MergeOnceAsync(pending, completionThreshold, cancellationToken), cancellationToken);
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

    /// <summary>Merges onto the rows as read and writes them; returns the states whose rows moved on meanwhile.</summary>
    private async Task<List<LessonProgress>> MergeOnceAsync(List<LessonProgress> states, double completionThreshold, CancellationToken cancellationToken)
    {
        var stored = new Dictionary<string, ProgressRecord>(StringComparer.Ordinal);
        foreach (var chunk in states.Select(s => s.Key).Chunk(ChunkSize))
        {
            foreach (var row in await db.LessonProgress.AsNoTracking().Where(p => chunk.Contains(p.Id)).ToListAsync(cancellationToken))
            {
                stored[row.Id] = row;
            }
        }
        var writes = new List<(ProgressRecord Row, LessonProgress State)>(states.Count);
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
                writes.Add((row, state));
            }
            else
            {
                // Merging a state with itself normalizes it (clamps, completes it if covered enough).
                writes.Add((ProgressRecord.From(state.Merge(state, completionThreshold)), state));
            }
        }
        var moved = new List<LessonProgress>();
        foreach (var chunk in writes.Chunk(WriteChunkSize))
        {
            var written = await UpsertAsync(chunk.Select(w => w.Row).ToArray(), cancellationToken);
            moved.AddRange(chunk.Where(w => !written.Contains(w.Row.Id)).Select(w => w.State));
        }
        return moved;
    }

    /// <summary>
    /// One statement for many rows: inserts each new row, and updates each existing one only where its
    /// version is the one before this write's (a new row carries version 1, so it never overwrites a row
    /// created meanwhile). Returns the ids written. Column names, and each value's conversion (times are
    /// stored as binary numbers in SQLite), come from the EF model, so the statement writes what EF reads.
    /// </summary>
    private async Task<HashSet<string>> UpsertAsync(ProgressRecord[] rows, CancellationToken cancellationToken)
    {
        var entity = db.Model.FindEntityType(typeof(ProgressRecord))!;
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var properties = entity.GetProperties().ToArray();
        var sql = db.GetService<ISqlGenerationHelper>();
        string Column(IProperty p) => sql.DelimitIdentifier(p.GetColumnName(table)!);
        var key = entity.FindPrimaryKey()!.Properties.Single();
        var version = entity.FindProperty(nameof(ProgressRecord.Version))!;

        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        var text = new StringBuilder("INSERT INTO ").Append(sql.DelimitIdentifier(table.Name, table.Schema))
            .Append(" (").AppendJoin(", ", properties.Select(Column)).Append(") ");
        if (db.Database.IsNpgsql())
        {
            AppendColumnArrays(command, text, rows, properties, sql);
        }
        else
        {
            AppendValues(command, text, rows, properties, sql);
        }
        text.Append(" ON CONFLICT (").Append(Column(key)).Append(") DO UPDATE SET ")
            .AppendJoin(", ", properties.Where(p => p != key).Select(p => $"{Column(p)} = excluded.{Column(p)}"))
            .Append(" WHERE ").Append(sql.DelimitIdentifier(table.Name, table.Schema)).Append('.').Append(Column(version))
            .Append(" = excluded.").Append(Column(version)).Append(" - 1 RETURNING ").Append(Column(key));
        command.CommandText = text.ToString();

        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var written = new HashSet<string>(StringComparer.Ordinal);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                written.Add(reader.GetString(0));
            }
            return written;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// PostgreSQL: each column's values as one array, unnested into rows. A chunk binds one parameter per
    /// column and PostgreSQL parses one short statement, where a VALUES list binds one per value.
    /// </summary>
    private static void AppendColumnArrays(DbCommand command, StringBuilder text, ProgressRecord[] rows, IProperty[] properties, ISqlGenerationHelper sql)
    {
        text.Append("SELECT * FROM unnest(");
        for (var c = 0; c < properties.Length; c++)
        {
            var mapping = (RelationalTypeMapping)properties[c].GetTypeMapping();
            var getter = properties[c].GetGetter();
            var type = mapping.Converter?.ProviderClrType ?? mapping.ClrType;
            var values = Array.CreateInstance(properties[c].IsNullable && type.IsValueType ? typeof(Nullable<>).MakeGenericType(type) : type, rows.Length);
            for (var r = 0; r < rows.Length; r++)
            {
                var value = getter.GetClrValue(rows[r]);
                values.SetValue(value is null || mapping.Converter is null ? value : mapping.Converter.ConvertToProvider(value), r);
            }
            var parameter = command.CreateParameter();
            parameter.ParameterName = $"p{c}";
            parameter.Value = values;
            command.Parameters.Add(parameter);
            text.Append(c == 0 ? "" : ", ").Append(sql.GenerateParameterNamePlaceholder(parameter.ParameterName));
        }
        text.Append(')');
    }

    /// <summary>Any other provider: a VALUES list, one parameter per value.</summary>
    private static void AppendValues(DbCommand command, StringBuilder text, ProgressRecord[] rows, IProperty[] properties, ISqlGenerationHelper sql)
    {
        var mappings = Array.ConvertAll(properties, p => (RelationalTypeMapping)p.GetTypeMapping());
        var getters = Array.ConvertAll(properties, p => p.GetGetter());
        text.Append("VALUES ");
        for (var r = 0; r < rows.Length; r++)
        {
            text.Append(r == 0 ? "(" : ", (");
            for (var c = 0; c < properties.Length; c++)
            {
                var name = $"p{r}_{c}";
                command.Parameters.Add(mappings[c].CreateParameter(command, name, getters[c].GetClrValue(rows[r]), properties[c].IsNullable));
                text.Append(c == 0 ? "" : ", ").Append(sql.GenerateParameterNamePlaceholder(name));
            }
            text.Append(')');
        }
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
}
