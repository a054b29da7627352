namespace LearnStream.Api.Features.Catalog;

/// <summary>Which courses a list may show.</summary>
public enum CourseVisibility
{
    /// <summary>Published courses only: anonymous callers and students.</summary>
    Published,

    /// <summary>Published courses and every course the instructor teaches.</summary>
    PublishedOrTaughtBy,

    /// <summary>Everything: admins.</summary>
    All,
}

public sealed record CourseQuery(
    CourseVisibility Visibility,
    string? ViewerId,
    string? Search,
    string? Tag,
    string? Level,
    string? InstructorId,
    int Skip,
    int Take);

public enum StoreWrite
{
    Ok,
    NotFound,
    VersionConflict,
    SlugTaken,
}

/// <summary>
/// Where courses live: MongoDB (MongoCourseStore) or the relational database
/// (<see cref="RelationalCourseStore"/>), chosen by <c>Content:Store</c>. Both pass the same contract tests.
/// </summary>
public interface ICourseStore
{
    /// <summary>By id, or else by slug; an unknown or malformed value finds nothing.</summary>
    Task<Course?> FindAsync(string idOrSlug, CancellationToken cancellationToken);

    Task<Course?> FindByLessonAsync(string lessonId, CancellationToken cancellationToken);

    /// <summary>
    /// Several courses by id in one round trip; unknown ids are left out. Without their sections unless
    /// <paramref name="includeSections"/> (progress over several courses needs their outlines).
    /// </summary>
    Task<IReadOnlyDictionary<string, Course>> GetManyAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken, bool includeSections = false);

    /// <summary>A page of courses in a stable order (newest first, then id), without their sections.</summary>
    Task<(IReadOnlyList<Course> Items, int Total)> ListAsync(CourseQuery query, CancellationToken cancellationToken);

    /// <summary>Stores a new course at version 1.</summary>
    Task<StoreWrite> InsertAsync(Course course, CancellationToken cancellationToken);

    /// <summary>Writes the course back if its stored version is still <paramref name="expectedVersion"/>, as version + 1.</summary>
    Task<StoreWrite> ReplaceAsync(Course course, long expectedVersion, CancellationToken cancellationToken);

    Task<StoreWrite> DeleteAsync(string id, long expectedVersion, CancellationToken cancellationToken);
}
