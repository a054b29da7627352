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
    private readonly CatalogCache _catalog;

    public CatalogCacheBoundsTests()
    {
        var options = new FusionCacheOptions();
        options.DefaultEntryOptions.Size = 1;
        options.TagsDefaultEntryOptions.Size = 1;
        _catalog = new CatalogCache(new FusionCache(options, _memory), Options.Create(new CatalogOptions()));
    }

    public void Dispose() => _memory.Dispose();

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
        var loads = 0;
        Task<Course?> Load(CancellationToken _)
        {
            Interlocked.Increment(ref loads);
            return Task.FromResult<Course?>(Published("shared", lessons: 3));
        }

        var first = await _catalog.GetLessonAsync("shared-l0", Load, CancellationToken.None);
        var second = await _catalog.GetLessonAsync("shared-l2", Load, CancellationToken.None);
        var again = await _catalog.GetLessonAsync("shared-l0", Load, CancellationToken.None);

        Assert.Equal(("shared-l0", "shared-l2"), (first!.Lesson.Id, second!.Lesson.Id));
        Assert.Same(first.Course, second.Course);
        Assert.Same(first, again);
        Assert.Equal(2, loads); // once per lesson: which course holds a lesson takes a read to learn
    }

    [Fact]
    public async Task A_lesson_in_no_course_is_found_in_none()
    {
        Assert.Null(await _catalog.GetLessonAsync("nowhere", _ => Task.FromResult<Course?>(null), CancellationToken.None));
        Assert.Null(await _catalog.GetLessonAsync("shared-l9", _ => Task.FromResult<Course?>(Published("shared", lessons: 3)), CancellationToken.None));
    }

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
