using System.Diagnostics;
using LearnStream.Api.Common;
using LearnStream.Api.Features.Catalog;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using ZiggyCreatures.Caching.Fusion;

namespace LearnStream.Tests.Catalog;

/// <summary>How catalog entries count against the memory cache's limit, and which go first when it is full.</summary>
public sealed class CatalogCacheBoundsTests : IDisposable
{
    private const long Limit = 100;

    private readonly MemoryCache _memory = new(new MemoryCacheOptions { SizeLimit = Limit });
    private readonly FusionCache _fusion;
    private readonly CatalogCache _catalog;

    public CatalogCacheBoundsTests()
    {
        var options = new FusionCacheOptions();
        options.DefaultEntryOptions.Size = 1;
        options.TagsDefaultEntryOptions.Size = 1;
        _fusion = new FusionCache(options, _memory);
        _catalog = new CatalogCache(_fusion, Options.Create(new CatalogOptions()));
    }

    public void Dispose()
    {
        _fusion.Dispose();
        _memory.Dispose();
    }

    private static Course Published(string id, int lessons = 1) => new()
    {
        Id = id,
        Slug = id,
        Title = "Course " + id,
        Status = CourseStatus.Published,
        Sections = [new Section { Id = "s", Title = "S", Lessons = [.. Enumerable.Range(0, lessons).Select(i => new Lesson { Id = $"{id}-l{i}", Title = $"Lesson {i} of a course" })] }],
    };

    [Fact]
    public async Task The_lessons_of_a_course_share_one_copy_of_it()
    {
        var byLesson = new List<string>();
        Task<Course?> LoadByLesson(string lessonId, CancellationToken _)
        {
            byLesson.Add(lessonId);
            return Task.FromResult<Course?>(Published("shared", lessons: 3));
        }

        var first = await _catalog.GetLessonAsync("shared-l0", LoadByLesson, NoLoadById, CancellationToken.None);
        var second = await _catalog.GetLessonAsync("shared-l2", LoadByLesson, NoLoadById, CancellationToken.None);
        var again = await _catalog.GetLessonAsync("shared-l0", LoadByLesson, NoLoadById, CancellationToken.None);

        Assert.Equal(("shared-l0", "shared-l2"), (first!.Lesson.Id, second!.Lesson.Id));
        Assert.Same(first.Course, second.Course);
        Assert.Same(first, again);
        Assert.Equal(["shared-l0", "shared-l2"], byLesson); // which course holds a lesson takes one read per lesson to learn
    }

    [Fact]
    public async Task A_node_that_knows_which_course_holds_a_lesson_reads_only_that_course()
    {
        Assert.NotNull(await _catalog.GetLessonAsync("c-l1", (_, _) => Task.FromResult<Course?>(Published("c", lessons: 2)), NoLoadById, CancellationToken.None));
        // As a node whose memory lost the course and the place, while the lesson's course id is still known (in Redis, say).
        await _fusion.RemoveAsync("course-any:c");
        await _fusion.RemoveAsync("lesson-at:c-l1");
        var byId = new List<string>();

        var found = await _catalog.GetLessonAsync("c-l1", (_, _) => throw new InvalidOperationException("read by lesson"), (id, _) =>
        {
            byId.Add(id);
            return Task.FromResult<Course?>(Published("c", lessons: 2));
        }, CancellationToken.None);

        Assert.Equal(("c", "c-l1"), (found!.Course.Id, found.Lesson.Id));
        Assert.Equal(["c"], byId);
    }

    [Fact]
    public async Task A_lesson_in_no_course_is_found_in_none()
    {
        Assert.Null(await _catalog.GetLessonAsync("nowhere", (_, _) => Task.FromResult<Course?>(null), NoLoadById, CancellationToken.None));
        Assert.Null(await _catalog.GetLessonAsync("shared-l9", (_, _) => Task.FromResult<Course?>(Published("shared", lessons: 3)), NoLoadById, CancellationToken.None));
    }

    private static Task<Course?> NoLoadById(string id, CancellationToken _) => throw new InvalidOperationException($"read course {id} by id");

    [Fact]
    public void An_entry_weighs_its_json_in_kilobytes_and_nothing_weighs_one()
    {
        var small = CacheEntries.Weight(Published("small"));
        var large = CacheEntries.Weight(Published("large", lessons: 400));

        Assert.Equal(1, CacheEntries.Weight<Course?>(null));
        Assert.Equal(1, small);
        Assert.InRange(large, 20, 200);
    }

    [Fact]
    public async Task Made_up_slugs_filling_the_cache_push_out_each_other_not_a_course_that_exists()
    {
        var loads = 0;
        Task<Course?> LoadReal(CancellationToken _)
        {
            Interlocked.Increment(ref loads);
            return Task.FromResult<Course?>(Published("real"));
        }
        Assert.NotNull(await _catalog.GetPublishedAsync("real", LoadReal, CancellationToken.None));

        // Older than every made-up entry: only its priority keeps it when the cache makes room.
        for (var i = 0; i < 3 * Limit; i++)
        {
            Assert.Null(await _catalog.GetPublishedAsync("made-up-" + i, _ => Task.FromResult<Course?>(null), CancellationToken.None));
        }
        // Over its limit the memory cache compacts in the background.
        var clock = Stopwatch.StartNew();
        while (_memory.Count >= Limit && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20);
        }

        Assert.InRange(_memory.Count, 1, Limit - 1);
        Assert.Equal("real", (await _catalog.GetPublishedAsync("real", LoadReal, CancellationToken.None))!.Id);
        Assert.Equal(1, loads);
    }
}
