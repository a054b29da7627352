using MongoDB.Driver;

namespace LearnStream.Api.Features.Catalog;

/// <summary>
/// Courses in MongoDB: one document per course with its outline embedded, so reading or writing the
/// aggregate is one round trip. The filters and indexes are static members so tests can render them
/// to BSON without a server.
/// </summary>
public sealed class MongoCourseStore(IMongoCollection<CourseDocument> courses) : ICourseStore
{
    public const string CollectionName = "courses";

    internal const string LessonIdPath = "sections.lessons.id";

    private static FilterDefinitionBuilder<CourseDocument> Filter => Builders<CourseDocument>.Filter;

    public async Task<Course?> FindAsync(string idOrSlug, CancellationToken cancellationToken)
    {
        // One round trip for both lookups; a course whose id matches wins over another whose slug does.
        var matches = await courses.Find(IdOrSlugFilter(idOrSlug)).Limit(2).ToListAsync(cancellationToken);
        var match = matches.Find(d => d.Id == idOrSlug) ?? matches.FirstOrDefault();
        return match?.ToCourse();
    }

    public async Task<Course?> FindByLessonAsync(string lessonId, CancellationToken cancellationToken)
    {
        var match = await courses.Find(LessonFilter(lessonId)).FirstOrDefaultAsync(cancellationToken);
        return match?.ToCourse();
    }

    public async Task<IReadOnlyDictionary<string, Course>> GetManyAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken, bool includeSections = false)
    {
        var find = courses.Find(IdsFilter(ids));
        var found = await (includeSections ? find : find.Project<CourseDocument>(ListProjection)).ToListAsync(cancellationToken);
        return found.Select(d => d.ToCourse()).ToDictionary(c => c.Id, StringComparer.Ordinal);
    }

    public async Task<(IReadOnlyList<Course> Items, int Total)> ListAsync(CourseQuery query, CancellationToken cancellationToken)
    {
        var filter = ListFilter(query);
        var total = (int)await courses.CountDocumentsAsync(filter, cancellationToken: cancellationToken);
        // Limit(0) would mean "no limit" to MongoDB, not an empty page.
        if (query.Take <= 0 || query.Skip >= total)
        {
            return ([], total);
        }
        var page = await courses.Find(filter)
            .Sort(ListSort)
            .Skip(query.Skip)
            .Limit(query.Take)
            .Project<CourseDocument>(ListProjection)
            .ToListAsync(cancellationToken);
        return (page.ConvertAll(d => d.ToCourse()), total);
    }

    public async Task<StoreWrite> InsertAsync(Course course, CancellationToken cancellationToken)
    {
        course.Version = 1;
        try
        {
            await courses.InsertOneAsync(CourseDocument.From(course), cancellationToken: cancellationToken);
            return StoreWrite.Ok;
        }
        catch (MongoWriteException e) when (e.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            return StoreWrite.SlugTaken;
        }
    }

    public async Task<StoreWrite> ReplaceAsync(Course course, long expectedVersion, CancellationToken cancellationToken)
    {
        var document = CourseDocument.From(course);
        document.Version = expectedVersion + 1;
        try
        {
            // The version in the filter makes the write conditional: a concurrent writer matches nothing.
            var result = await courses.ReplaceOneAsync(VersionFilter(course.Id, expectedVersion), document, cancellationToken: cancellationToken);
            if (result.MatchedCount == 0)
            {
                return await ExistsAsync(course.Id, cancellationToken) ? StoreWrite.VersionConflict : StoreWrite.NotFound;
            }
            course.Version = document.Version;
            return StoreWrite.Ok;
        }
        catch (MongoWriteException e) when (e.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            return StoreWrite.SlugTaken;
        }
    }

    public async Task<StoreWrite> DeleteAsync(string id, long expectedVersion, CancellationToken cancellationToken)
    {
        var result = await courses.DeleteOneAsync(VersionFilter(id, expectedVersion), cancellationToken);
        if (result.DeletedCount == 1)
        {
            return StoreWrite.Ok;
        }
        return await ExistsAsync(id, cancellationToken) ? StoreWrite.VersionConflict : StoreWrite.NotFound;
    }

    // Read from the primary: the write that just missed went there, and a lagging secondary could
    // still lack a course inserted a moment ago and turn a conflict into a "not found".
    private async Task<bool> ExistsAsync(string id, CancellationToken cancellationToken) =>
        await courses.WithReadPreference(ReadPreference.Primary)
            .CountDocumentsAsync(Filter.Eq(d => d.Id, id), new CountOptions { Limit = 1 }, cancellationToken) > 0;

    internal static FilterDefinition<CourseDocument> IdOrSlugFilter(string idOrSlug) =>
        Filter.Or(Filter.Eq(d => d.Id, idOrSlug), Filter.Eq(d => d.Slug, idOrSlug));

    internal static FilterDefinition<CourseDocument> IdsFilter(IEnumerable<string> ids) =>
        Builders<CourseDocument>.Filter.In(d => d.Id, ids);

    internal static FilterDefinition<CourseDocument> LessonFilter(string lessonId) =>
        Filter.Eq(LessonIdPath, lessonId);

    internal static FilterDefinition<CourseDocument> VersionFilter(string id, long version) =>
        Filter.Eq(d => d.Id, id) & Filter.Eq(d => d.Version, version);

    internal static FilterDefinition<CourseDocument> ListFilter(CourseQuery query)
    {
        var filters = new List<FilterDefinition<CourseDocument>>();
        var published = Filter.Eq(d => d.Status, CourseStatus.Published);
        if (query.Visibility == CourseVisibility.PublishedOrTaughtBy && query.ViewerId is { } viewer)
        {
            filters.Add(Filter.Or(published, Filter.AnyEq(d => d.InstructorIds, viewer)));
        }
        else if (query.Visibility != CourseVisibility.All)
        {
            // An instructor list without a viewer teaches nobody: published courses only.
            filters.Add(published);
        }
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            filters.Add(Filter.Text(query.Search.Trim()));
        }
        if (query.Tag is { } tag)
        {
            filters.Add(Filter.AnyEq(d => d.Tags, tag));
        }
        if (query.Level is { } level)
        {
            filters.Add(Filter.Eq(d => d.Level, level));
        }
        if (query.InstructorId is { } instructor)
        {
            filters.Add(Filter.AnyEq(d => d.InstructorIds, instructor));
        }
        return filters.Count == 0 ? Filter.Empty : Filter.And(filters);
    }

    /// <summary>Newest first; the id breaks ties so paging never repeats or skips a course.</summary>
    internal static SortDefinition<CourseDocument> ListSort { get; } =
        Builders<CourseDocument>.Sort.Descending(d => d.CreatedAt).Ascending(d => d.Id);

    /// <summary>Lists show no outline, so the largest part of each document stays on the server.</summary>
    internal static ProjectionDefinition<CourseDocument> ListProjection { get; } =
        Builders<CourseDocument>.Projection.Exclude(d => d.Sections);

    internal static IReadOnlyList<CreateIndexModel<CourseDocument>> IndexModels { get; } = CreateIndexModels();

    private static List<CreateIndexModel<CourseDocument>> CreateIndexModels()
    {
        var keys = Builders<CourseDocument>.IndexKeys;
        return
        [
            new(keys.Ascending(d => d.Slug), new CreateIndexOptions { Unique = true }),
            // Serves the public list: equality on status, then the list order, so no in-memory sort.
            new(keys.Ascending(d => d.Status).Descending(d => d.CreatedAt).Ascending(d => d.Id)),
            new(keys.Ascending(d => d.InstructorIds)),
            new(keys.Ascending(LessonIdPath)),
            new(
                keys.Text(d => d.Title).Text(d => d.Subtitle).Text(d => d.Description).Text(d => d.Tags),
                new CreateIndexOptions
                {
                    // Courses are in many languages: no stemming or stop words, so a search for any whole word finds it.
                    DefaultLanguage = "none",
                    // MongoDB would otherwise read each document's "language" field as its text-search
                    // language and refuse to store a course whose language it does not know.
                    LanguageOverride = "textSearchLanguage",
                }),
        ];
    }

    /// <summary>Creates the indexes; idempotent, so every node may run it at start.</summary>
    internal static Task CreateIndexesAsync(IMongoCollection<CourseDocument> courses, CancellationToken cancellationToken) =>
        courses.Indexes.CreateManyAsync(IndexModels, cancellationToken);
}
