using System.Net;
using LearnStream.Api.Common;
using LearnStream.Api.Tests.Infrastructure;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;

namespace LearnStream.Api.Tests.Catalog;

/// <summary>
/// Cache keys a client makes up (slugs and lesson ids that do not exist, a listing's free text) must not
/// grow Redis, and a node's memory cache holds no more than <c>Cache:MemoryLimitMegabytes</c> whatever
/// clients send.
/// </summary>
public sealed class CatalogCacheBoundsTests(PostgresRedisFixture fixture) : IClassFixture<PostgresRedisFixture>
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    private async Task<RedisKey[]> CacheKeysInRedisAsync(string pattern)
    {
        var redis = fixture.App.Services.GetRequiredService<IConnectionMultiplexer>();
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var keys = new List<RedisKey>();
        await foreach (var key in server.KeysAsync(pattern: $"*cache:*{pattern}*"))
        {
            keys.Add(key);
        }
        return [.. keys];
    }

    [Fact]
    public async Task What_a_client_made_up_stays_out_of_Redis_and_what_exists_goes_in()
    {
        var word = Marker();
        var course = await _client.PublishedCourseAsync($"Bounds {word}");
        var learner = await _client.NewUserWithRoleAsync("student");
        var missing = Marker();

        Assert.Equal(HttpStatusCode.NotFound, await _client.GetCourseStatusAsync(null, missing + "-course"));
        using (var beat = await _client.SendAsync(HttpMethod.Post, $"/api/v1/lessons/{missing}-lesson/progress", learner.Tokens.AccessToken,
            new { sessionId = "s1", sequence = 1, position = 10, watched = new[] { new[] { 0.0, 10.0 } }, @event = "heartbeat" }))
        {
            Assert.Equal(HttpStatusCode.NotFound, beat.StatusCode);
        }
        Assert.Empty(await _client.ListIdsAsync(null, $"search={missing}"));
        Assert.Equal([course.Id], await _client.ListIdsAsync(null, $"search={word}"));
        Assert.Equal(HttpStatusCode.OK, await _client.GetCourseStatusAsync(null, course.Id));

        Assert.Empty(await CacheKeysInRedisAsync(missing));
        Assert.Empty(await CacheKeysInRedisAsync($"courses:*{word}"));
        // The control: a course that exists is shared through Redis under a key naming it.
        Assert.NotEmpty(await CacheKeysInRedisAsync("course:" + course.Id));
    }

    [Fact]
    public async Task A_lesson_goes_to_Redis_as_its_course_id_and_its_course_once_never_as_a_copy_of_the_course()
    {
        var course = await _client.PublishedCourseAsync();
        var learner = await _client.NewUserWithRoleAsync("student");

        // Not enrolled: refused, but only after the lesson was looked up, as for any beat.
        using (var beat = await _client.SendAsync(HttpMethod.Post, $"/api/v1/lessons/{course.LessonId}/progress", learner.Tokens.AccessToken,
            new { sessionId = "s1", sequence = 1, position = 10, watched = new[] { new[] { 0.0, 10.0 } }, @event = "heartbeat" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, beat.StatusCode);
        }

        Assert.Single(await CacheKeysInRedisAsync("lesson-course:" + course.LessonId));
        Assert.Single(await CacheKeysInRedisAsync("course-any:" + course.Id));
        Assert.Empty(await CacheKeysInRedisAsync("lesson-at:" + course.LessonId));
    }

    [Fact]
    public async Task A_node_s_memory_cache_stays_within_its_limit_under_a_flood_of_made_up_slugs()
    {
        var course = await _client.PublishedCourseAsync();
        var node = fixture.StartNode(new Dictionary<string, string?> { [$"{CacheOptions.Section}:MemoryLimitMegabytes"] = "1" });
        var memory = Assert.IsType<MemoryCache>(node.Services.GetRequiredKeyedService<IMemoryCache>(CacheOptions.MemoryKey));
        var client = node.CreateClient();
        Assert.Equal(HttpStatusCode.OK, await client.GetCourseStatusAsync(null, course.Id));
        var limit = new CacheOptions { MemoryLimitMegabytes = 1 }.SizeLimit;

        // Each not-found answer weighs the least an entry can (1), so more lookups than the limit would overfill it.
        var lookups = (int)limit * 3 / 2;
        await Parallel.ForEachAsync(Enumerable.Range(0, lookups), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, _) =>
            Assert.Equal(HttpStatusCode.NotFound, await client.GetCourseStatusAsync(null, Marker())));

        Assert.InRange(memory.Count, 1, limit);
        Assert.Equal(HttpStatusCode.OK, await client.GetCourseStatusAsync(null, course.Id));
    }
}
