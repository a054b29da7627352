using System.Text.Json;
using LearnStream.Api.Common;
using Microsoft.Extensions.Options;
using ZiggyCreatures.Caching.Fusion;

namespace LearnStream.Api.Features.Catalog;

public sealed class CatalogOptions
{
    public const string Section = "Catalog";

    /// <summary>Cache public course reads and listings (in process, plus Redis when configured).</summary>
    public bool CacheEnabled { get; set; } = true;

    [System.ComponentModel.DataAnnotations.Range(1, 86_400)]
    public int CacheSeconds { get; set; } = 300;
}

/// <summary>
/// Public reads of the catalog through a two-level cache (FusionCache: memory, then Redis). Every write
/// removes the catalog's entries by tag; with Redis, FusionCache's backplane tells the other nodes to
/// drop theirs, so a change is visible everywhere within milliseconds.
/// </summary>
public sealed class CatalogCache(IFusionCache cache, IOptions<CatalogOptions> options)
{
    private const string Tag = "catalog";
    private static readonly string[] Tags = [Tag];
    private FusionCacheEntryOptions? _entry;
    private FusionCacheEntryOptions? _lessonEntry;

    public async Task<Course?> GetPublishedAsync(string idOrSlug, Func<CancellationToken, Task<Course?>> load, CancellationToken cancellationToken)
    {
        if (!options.Value.CacheEnabled)
        {
            return Published(await load(cancellationToken));
        }
        return await cache.GetOrSetAsync<Course?>(
            "course:" + idOrSlug,
            async (ctx, ct) => CacheEntries.Sized(ctx, Published(await load(ct))),
            Entry(),
            Tags,
            cancellationToken);
    }

    /// <summary>
    /// A lesson and the course holding it, whatever the course's status (callers decide who may see it):
    /// the progress beat path asks this on every beat, so it must cost neither a database read nor a
    /// scan of the course's lessons each time. The result is shared between callers and must not be changed.
    /// <para>
    /// A course is cached once for all its lessons (<c>course-any:</c>, in memory and Redis), and a lesson
    /// by two small entries: which course holds it (<c>lesson-course:</c>, in memory and Redis) and its
    /// place in that course's copy (<c>lesson-at:</c>, in this node's memory only, pointing into the
    /// copy). Held whole per lesson, a course of n lessons would take n copies in every node and n more
    /// in Redis. <paramref name="loadByLesson"/> answers the first look-up of a lesson anywhere,
    /// <paramref name="loadById"/> a course that neither this node nor Redis holds. Both take what they look up, so a
    /// caller can pass the same delegates on every call.
    /// </para>
    /// </summary>
    public async Task<LessonInCourse?> GetLessonAsync(string lessonId, Func<string, CancellationToken, Task<Course?>> loadByLesson,
        Func<string, CancellationToken, Task<Course?>> loadById, CancellationToken cancellationToken)
    {
        if (!options.Value.CacheEnabled)
        {
            return LessonInCourse.Find(await loadByLesson(lessonId, cancellationToken), lessonId);
        }
        return await cache.GetOrSetAsync<LessonInCourse?>(
            "lesson-at:" + lessonId,
            async (ctx, ct) =>
            {
                Course? loaded = null;
                var courseId = await cache.GetOrSetAsync<string?>(
                    "lesson-course:" + lessonId,
                    async (c, t) => CacheEntries.Sized(c, (loaded = await loadByLesson(lessonId, t))?.Id),
                    Entry(),
                    Tags,
                    ct);
                if (courseId is null)
                {
                    return CacheEntries.Sized(ctx, (LessonInCourse?)null);
                }
                var course = await cache.GetOrSetAsync<Course?>(
                    "course-any:" + courseId,
                    async (c, t) => CacheEntries.Sized(c, loaded ?? await loadById(courseId, t)),
                    Entry(),
                    Tags,
                    ct);
                // A write to the catalog expires all three entries by tag; until then they agree.
                return CacheEntries.Sized(ctx, LessonInCourse.Find(course, lessonId), weighed: false);
            },
            LessonEntry(),
            Tags,
            cancellationToken);
    }

    /// <summary>
    /// A page of the public listing. Pages with a filter's free text (search, tag, instructor) or with no
    /// course stay in this node's memory: their keys are the client's to multiply.
    /// </summary>
    public async Task<CoursePage> GetPublishedPageAsync(CourseQuery query, Func<CancellationToken, Task<CoursePage>> load, CancellationToken cancellationToken)
    {
        if (!options.Value.CacheEnabled)
        {
            return await load(cancellationToken);
        }
        var freeText = query.Search is not null || query.Tag is not null || query.InstructorId is not null;
        return await cache.GetOrSetAsync<CoursePage>(
            "courses:" + JsonSerializer.Serialize(query),
            async (ctx, ct) =>
            {
                var page = await load(ct);
                return CacheEntries.Sized(ctx, page, clientShaped: freeText || page.Items.Count == 0);
            },
            Entry(),
            Tags,
            cancellationToken);
    }

    public async Task InvalidateAsync(CancellationToken cancellationToken)
    {
        if (options.Value.CacheEnabled)
        {
            await cache.RemoveByTagAsync(Tag, token: cancellationToken);
        }
    }

    // One instance for every call (FusionCache copies what it changes): the lesson lookup runs on every progress beat.
    // From the cache's defaults, which give every entry its size: the memory level has a size limit.
    private FusionCacheEntryOptions Entry() => _entry ??= cache.CreateEntryOptions(duration: TimeSpan.FromSeconds(options.Value.CacheSeconds));

    /// <summary>A lesson's place in its course's copy: in this node's memory only, since it points into that copy.</summary>
    private FusionCacheEntryOptions LessonEntry()
    {
        if (_lessonEntry is null)
        {
            var entry = Entry().Duplicate();
            entry.SkipDistributedCacheRead = true;
            entry.SkipDistributedCacheWrite = true;
            entry.SkipBackplaneNotifications = true;
            _lessonEntry = entry;
        }
        return _lessonEntry;
    }

    private static Course? Published(Course? course) => course is { Status: CourseStatus.Published } ? course : null;
}

/// <summary>A cached page of a public listing.</summary>
public sealed record CoursePage(IReadOnlyList<Course> Items, int Total);

/// <summary>A lesson by its place in its course: cached as such, it is found without a scan.</summary>
public sealed record LessonInCourse(Course Course, int Section, int Index)
{
    public Lesson Lesson => Course.Sections[Section].Lessons[Index];

    public static LessonInCourse? Find(Course? course, string lessonId) =>
        course?.LocateLesson(lessonId) is var (section, index) ? new LessonInCourse(course, section, index) : null;
}
