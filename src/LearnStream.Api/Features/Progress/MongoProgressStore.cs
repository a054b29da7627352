using MongoDB.Driver;

namespace LearnStream.Api.Features.Progress;

/// <summary>
/// Progress in MongoDB: one document per learner and lesson. A batch is one <c>$in</c> read, an
/// in-memory merge and one unordered bulk write of conditional replaces (on the version read) and
/// inserts; the writes that lost a race are merged again from fresh documents. The filters, updates
/// and indexes are static members so tests can render them to BSON without a server.
/// </summary>
public sealed class MongoProgressStore(IMongoCollection<ProgressDocument> progress, IMongoCollection<ActivityDocument> activity) : IProgressStore
{
    public const string CollectionName = "progress";
    public const string ActivityCollectionName = "progress_activity";

    private static FilterDefinitionBuilder<ProgressDocument> Filter => Builders<ProgressDocument>.Filter;

    private static readonly BulkWriteOptions Unordered = new() { IsOrdered = false };

    public async Task<LessonProgress?> FindAsync(Guid userId, string lessonId, CancellationToken cancellationToken)
    {
        var key = LessonProgress.KeyOf(userId, lessonId);
        var found = await progress.Find(Filter.Eq(d => d.Id, key)).FirstOrDefaultAsync(cancellationToken);
        return found?.ToProgress();
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
        var found = await progress.Find(UserFilter(userId, courseIds)).ToListAsync(cancellationToken);
        return found.ConvertAll(d => d.ToProgress());
    }

    public async Task<(IReadOnlyList<LessonProgress> Items, int Total)> HistoryAsync(Guid userId, int skip, int take, CancellationToken cancellationToken)
    {
        var filter = UserFilter(userId, null);
        var total = (int)await progress.CountDocumentsAsync(filter, cancellationToken: cancellationToken);
        // Limit(0) would mean "no limit" to MongoDB, not an empty page.
        if (take <= 0 || skip >= total)
        {
            return ([], total);
        }
        var page = await progress.Find(filter).Sort(HistorySort).Skip(skip).Limit(take).ToListAsync(cancellationToken);
        return (page.ConvertAll(d => d.ToProgress()), total);
    }

    public async Task<IReadOnlyList<LessonProgress>> ListByCourseAsync(string courseId, CancellationToken cancellationToken)
    {
        var found = await progress.Find(Filter.Eq(d => d.CourseId, courseId)).ToListAsync(cancellationToken);
        return found.ConvertAll(d => d.ToProgress());
    }

    public async Task<IReadOnlyList<ActivityDay>> ActivityAsync(string courseId, DateOnly from, CancellationToken cancellationToken)
    {
        var found = await activity.Find(ActivityFilter(courseId, from)).Sort(ActivitySort).ToListAsync(cancellationToken);
        return found.ConvertAll(d => d.ToActivityDay());
    }

    /// <summary>One round; returns the states whose write lost a race (to be merged again).</summary>
    private async Task<List<LessonProgress>> MergeOnceAsync(
        List<LessonProgress> states, double completionThreshold, CancellationToken cancellationToken)
    {
        var stored = (await progress.Find(IdsFilter(states.Select(s => s.Key))).ToListAsync(cancellationToken))
            .ToDictionary(d => d.Id, StringComparer.Ordinal);
        var writes = new List<WriteModel<ProgressDocument>>();
        var written = new List<LessonProgress>();
        foreach (var state in states)
        {
            if (stored.TryGetValue(state.Key, out var document))
            {
                var before = document.ToProgress();
                var merged = before.Merge(state, completionThreshold);
                // A replayed batch changes nothing and costs no write.
                if (merged.SameProgressAs(before) && merged.CompletedAt == before.CompletedAt)
                {
                    continue;
                }
                writes.Add(new ReplaceOneModel<ProgressDocument>(VersionFilter(document.Id, document.Version), ProgressDocument.From(merged, document.Version + 1)));
            }
            else
            {
                writes.Add(new InsertOneModel<ProgressDocument>(ProgressDocument.From(state.Merge(state, completionThreshold), 1)));
            }
            written.Add(state);
        }
        if (writes.Count == 0)
        {
            return [];
        }
        var replaces = writes.Count(w => w is ReplaceOneModel<ProgressDocument>);
        try
        {
            var result = await progress.BulkWriteAsync(writes, Unordered, cancellationToken);
            return result.MatchedCount == replaces ? [] : Replaced(writes, written);
        }
        catch (MongoBulkWriteException<ProgressDocument> e) when (e.WriteErrors.All(w => w.Category == ServerErrorCategory.DuplicateKey) && e.WriteConcernError is null)
        {
            // An insert raced another node's insert. The result does not say which replaces matched, so
            // every replaced state goes round again too; those that did land merge to no change and cost no write.
            var duplicates = e.WriteErrors.Select(w => written[w.Index]);
            return [.. duplicates.Concat(Replaced(writes, written)).Distinct()];
        }
    }

    private static List<LessonProgress> Replaced(List<WriteModel<ProgressDocument>> writes, List<LessonProgress> written) =>
        [.. written.Where((_, i) => writes[i] is ReplaceOneModel<ProgressDocument>)];

    /// <summary>Upserts that only ever insert: recording a day twice, or on two nodes at once, leaves one document.</summary>
    private async Task RecordActivityAsync(IReadOnlyCollection<LessonProgress> states, CancellationToken cancellationToken)
    {
        var writes = states
            .SelectMany(s => new[] { Day(s.FirstWatchedAt), Day(s.LastWatchedAt) }, (s, day) => (s.CourseId, day, s.UserId))
            .Distinct()
            .Select(a => new UpdateOneModel<ActivityDocument>(ActivityKeyFilter(a.CourseId, a.day, a.UserId), ActivityUpdate(a.CourseId, a.day, a.UserId)) { IsUpsert = true })
            .ToList();
        try
        {
            await activity.BulkWriteAsync(writes, new BulkWriteOptions { IsOrdered = false }, cancellationToken);
        }
        catch (MongoBulkWriteException<ActivityDocument> e) when (e.WriteErrors.All(w => w.Category == ServerErrorCategory.DuplicateKey) && e.WriteConcernError is null)
        {
            // Two upserts of one new day raced: the other one inserted it, which is all we wanted.
        }
    }

    private static DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);

    internal static FilterDefinition<ProgressDocument> IdsFilter(IEnumerable<string> ids) => Filter.In(d => d.Id, ids);

    internal static FilterDefinition<ProgressDocument> VersionFilter(string id, long version) =>
        Filter.Eq(d => d.Id, id) & Filter.Eq(d => d.Version, version);

    internal static FilterDefinition<ProgressDocument> UserFilter(Guid userId, IReadOnlyCollection<string>? courseIds) =>
        courseIds is null
            ? Filter.Eq(d => d.UserId, userId)
            : Filter.Eq(d => d.UserId, userId) & Filter.In(d => d.CourseId, courseIds);

    /// <summary>Newest first; the lesson id breaks ties so paging never repeats or skips a row.</summary>
    internal static SortDefinition<ProgressDocument> HistorySort { get; } =
        Builders<ProgressDocument>.Sort.Descending(d => d.LastWatchedAt).Ascending(d => d.LessonId);

    internal static FilterDefinition<ActivityDocument> ActivityKeyFilter(string courseId, DateOnly day, Guid userId) =>
        Builders<ActivityDocument>.Filter.Eq(d => d.Id, ActivityDocument.KeyOf(courseId, day, userId));

    internal static UpdateDefinition<ActivityDocument> ActivityUpdate(string courseId, DateOnly day, Guid userId) =>
        Builders<ActivityDocument>.Update
            .SetOnInsert(d => d.CourseId, courseId)
            .SetOnInsert(d => d.Day, ActivityDocument.DayOf(day))
            .SetOnInsert(d => d.UserId, userId);

    internal static FilterDefinition<ActivityDocument> ActivityFilter(string courseId, DateOnly from) =>
        Builders<ActivityDocument>.Filter.Eq(d => d.CourseId, courseId) & Builders<ActivityDocument>.Filter.Gte(d => d.Day, ActivityDocument.DayOf(from));

    internal static SortDefinition<ActivityDocument> ActivitySort { get; } =
        Builders<ActivityDocument>.Sort.Ascending(d => d.Day).Ascending(d => d.UserId);

    internal static IReadOnlyList<CreateIndexModel<ProgressDocument>> IndexModels { get; } =
    [
        // History: equality on the learner, then the history order, so no in-memory sort. Also serves
        // "my progress" (a prefix of it), with or without a course filter.
        new(Builders<ProgressDocument>.IndexKeys.Ascending(d => d.UserId).Descending(d => d.LastWatchedAt).Ascending(d => d.LessonId)),
        // Analytics: every learner of a course.
        new(Builders<ProgressDocument>.IndexKeys.Ascending(d => d.CourseId)),
    ];

    internal static IReadOnlyList<CreateIndexModel<ActivityDocument>> ActivityIndexModels { get; } =
    [
        new(Builders<ActivityDocument>.IndexKeys.Ascending(d => d.CourseId).Ascending(d => d.Day)),
    ];

    /// <summary>Creates the indexes; idempotent, so every node may run it at start.</summary>
    internal static async Task CreateIndexesAsync(
        IMongoCollection<ProgressDocument> progress, IMongoCollection<ActivityDocument> activity, CancellationToken cancellationToken)
    {
        await progress.Indexes.CreateManyAsync(IndexModels, cancellationToken);
        await activity.Indexes.CreateManyAsync(ActivityIndexModels, cancellationToken);
    }
}
