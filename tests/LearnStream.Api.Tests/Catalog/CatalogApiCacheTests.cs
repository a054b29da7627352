using System.Net;
using LearnStream.Api.Tests.Infrastructure;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;

namespace LearnStream.Api.Tests.Catalog;

/// <summary>Public reads are cached; a write must never leave a stale copy behind.</summary>
public abstract class CatalogApiCacheTests(StoreFixture fixture)
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    private async Task<string> TagAsync(PublishedCourse course)
    {
        var tag = Marker();
        using var tagged = await _client.SendAsync(HttpMethod.Patch, $"{Courses}/{course.Id}", course.Owner.Tokens.AccessToken, new { tags = new[] { tag } });
        Assert.Equal(HttpStatusCode.OK, tagged.StatusCode);
        return tag;
    }

    [Fact]
    public async Task A_change_shows_in_public_reads_made_just_before_it()
    {
        var course = await _client.PublishedCourseAsync();
        var tag = await TagAsync(course);
        var oldSlug = (await _client.GetCourseAsync(null, course.Id)).Str("slug");
        Assert.Equal(course.Id, (await _client.GetCourseAsync(null, oldSlug)).Str("id"));
        Assert.Equal([course.Id], await _client.ListIdsAsync(null, $"tag={tag}"));
        var newSlug = Marker();

        using var patch = await _client.SendAsync(HttpMethod.Patch, $"{Courses}/{course.Id}", course.Owner.Tokens.AccessToken, new { title = "Renamed", slug = newSlug });

        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        Assert.Equal("Renamed", (await _client.GetCourseAsync(null, course.Id)).Str("title"));
        Assert.Equal(course.Id, (await _client.GetCourseAsync(null, newSlug)).Str("id"));
        Assert.Equal(HttpStatusCode.NotFound, await _client.GetCourseStatusAsync(null, oldSlug));
        var item = Assert.Single((await _client.ListAsync(null, $"tag={tag}")).GetProperty("items").EnumerateArray());
        Assert.Equal("Renamed", item.Str("title"));
    }

    [Fact]
    public async Task Unpublishing_hides_a_course_read_publicly_just_before_and_its_owner_sees_the_draft()
    {
        var course = await _client.PublishedCourseAsync();
        var tag = await TagAsync(course);
        Assert.Equal("published", (await _client.GetCourseAsync(null, course.Id)).Str("status"));
        Assert.Equal([course.Id], await _client.ListIdsAsync(null, $"tag={tag}"));

        using var response = await _client.SendAsync(HttpMethod.Post, $"{Courses}/{course.Id}/unpublish", course.Owner.Tokens.AccessToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, await _client.GetCourseStatusAsync(null, course.Id));
        Assert.Empty(await _client.ListIdsAsync(null, $"tag={tag}"));
        Assert.Equal("draft", (await _client.GetCourseAsync(course.Owner.Tokens.AccessToken, course.Id)).Str("status"));
    }

    [Fact]
    public async Task Public_reads_racing_with_publish_and_unpublish_never_keep_a_stale_state()
    {
        var course = await _client.PublishedCourseAsync();
        var token = course.Owner.Tokens.AccessToken;

        for (var round = 0; round < 6; round++)
        {
            var publish = round % 2 == 1;
            using var stop = new CancellationTokenSource();
            var readers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    await _client.GetCourseStatusAsync(null, course.Id);
                }
            })).ToList();
            await Task.Delay(30);

            using var write = await _client.SendAsync(HttpMethod.Post, $"{Courses}/{course.Id}/{(publish ? "publish" : "unpublish")}", token);
            Assert.Equal(HttpStatusCode.OK, write.StatusCode);
            await Task.Delay(30);
            await stop.CancelAsync();
            await Task.WhenAll(readers);

            var expected = publish ? HttpStatusCode.OK : HttpStatusCode.NotFound;
            Assert.True(expected == await _client.GetCourseStatusAsync(null, course.Id), $"round {round}: anonymous read is stale after {(publish ? "publish" : "unpublish")}");
        }
    }

    [Fact]
    public async Task Public_lists_with_different_filters_never_share_a_cached_page()
    {
        var course = await _client.PublishedCourseAsync();
        var m = Marker();
        using (var tagged = await _client.SendAsync(HttpMethod.Patch, $"{Courses}/{course.Id}", course.Owner.Tokens.AccessToken,
            new { title = $"Plain {m}", tags = new[] { $"{m}|x" } }))
        {
            Assert.Equal(HttpStatusCode.OK, tagged.StatusCode);
        }

        var first = await _client.ListIdsAsync(null, $"search={m}&tag={m}%7Cx");
        var second = await _client.ListIdsAsync(null, $"search={m}%7C{m}&tag=x");

        Assert.Equal([course.Id], first);
        Assert.Empty(second);
    }
}

public sealed class CatalogApiCacheTests_Sqlite(SqliteFixture fixture) : CatalogApiCacheTests(fixture), IClassFixture<SqliteFixture>;

public sealed class CatalogApiCacheTests_Postgres(PostgresRedisFixture fixture) : CatalogApiCacheTests(fixture), IClassFixture<PostgresRedisFixture>;

/// <summary>Two nodes on one PostgreSQL and one Redis: a catalog write on one shows on the other once Redis tells it, long before any cache entry would expire.</summary>
public sealed class CatalogApiTwoNodeTests(PostgresRedisFixture fixture) : IClassFixture<PostgresRedisFixture>
{
    private readonly HttpClient _nodeA = fixture.App.CreateClient();
    private readonly Lazy<HttpClient> _nodeB = new(() => fixture.StartNode().CreateClient());

    private Task AssertOnNodeBAsync(Func<HttpClient, Task<bool>> condition, string what) =>
        TwoNodes.EventuallyAsync(() => condition(_nodeB.Value), $"node B: {what} not seen");

    [Fact]
    public async Task A_rename_on_one_node_shows_in_the_other_nodes_public_list()
    {
        var course = await _nodeA.PublishedCourseAsync();
        var word = Marker();
        using (var first = await _nodeA.SendAsync(HttpMethod.Patch, $"{Courses}/{course.Id}", course.Owner.Tokens.AccessToken, new { title = $"Before {word}" }))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }
        Assert.Equal([course.Id], await _nodeB.Value.ListIdsAsync(null, $"search={word}"));

        using var response = await _nodeA.SendAsync(HttpMethod.Patch, $"{Courses}/{course.Id}", course.Owner.Tokens.AccessToken, new { title = $"After {word}" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await AssertOnNodeBAsync(async b =>
            (await b.ListAsync(null, $"search={word}")).GetProperty("items").EnumerateArray().Single().Str("title") == $"After {word}", "rename");
    }
}
