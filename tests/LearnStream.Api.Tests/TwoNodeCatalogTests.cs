using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearnStream.Api.Tests.Infrastructure;

namespace LearnStream.Api.Tests;

/// <summary>
/// Two nodes on one PostgreSQL and one Redis, each with its own in-process cache level: a change made
/// through one must be what the other serves once Redis tells it, not when a cached copy expires.
/// </summary>
public sealed class TwoNodeCatalogTests(PostgresRedisFixture fixture) : IClassFixture<PostgresRedisFixture>
{
    private readonly HttpClient _nodeA = fixture.App.CreateClient();
    private readonly Lazy<HttpClient> _nodeB = new(() => fixture.StartNode().CreateClient());

    private async Task<(string Token, string CourseId, string Tag)> PublishedCourseAsync()
    {
        var instructor = await _nodeA.NewUserWithRoleAsync("instructor");
        var token = instructor.Tokens.AccessToken;
        var tag = "t" + Guid.NewGuid().ToString("N")[..12];
        var course = await SendAsync(HttpMethod.Post, "/api/v1/courses", token, new { title = "Coherent caching " + tag, tags = new[] { tag } });
        var id = course.GetProperty("id").GetString()!;
        var section = await SendAsync(HttpMethod.Post, $"/api/v1/courses/{id}/sections", token, new { title = "One" });
        await SendAsync(HttpMethod.Post, $"/api/v1/courses/{id}/lessons", token,
            new { sectionId = section.GetProperty("id").GetString(), title = "First", kind = "text", body = "Hello" });
        await SendAsync(HttpMethod.Post, $"/api/v1/courses/{id}/publish", token, null);
        return (token, id, tag);
    }

    private async Task<JsonElement> SendAsync(HttpMethod method, string url, string token, object? body)
    {
        using var response = await _nodeA.SendAsync(TestApi.Bearer(method, url, token, body));
        Assert.True(response.IsSuccessStatusCode, $"{method} {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private Task EventuallyOnNodeBAsync(string url, Func<HttpResponseMessage, Task<bool>> seen) => TwoNodes.EventuallyAsync(async () =>
    {
        using var response = await _nodeB.Value.GetAsync(url);
        return await seen(response);
    }, $"node B still served the old {url}");

    private static async Task<string?> TitleAsync(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.OK ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString() : null;

    [Fact]
    public async Task An_edit_on_one_node_is_served_by_the_other()
    {
        var (token, id, _) = await PublishedCourseAsync();
        using (var warm = await _nodeB.Value.GetAsync($"/api/v1/courses/{id}"))
        {
            Assert.StartsWith("Coherent caching", await TitleAsync(warm), StringComparison.Ordinal);
        }

        await SendAsync(HttpMethod.Patch, $"/api/v1/courses/{id}", token, new { title = "Renamed on node A" });

        await EventuallyOnNodeBAsync($"/api/v1/courses/{id}", async r => await TitleAsync(r) == "Renamed on node A");
    }

    [Fact]
    public async Task Unpublishing_on_one_node_hides_the_course_on_the_other()
    {
        var (token, id, tag) = await PublishedCourseAsync();
        using (var warmCourse = await _nodeB.Value.GetAsync($"/api/v1/courses/{id}"))
        using (var warmList = await _nodeB.Value.GetAsync($"/api/v1/courses?tag={tag}"))
        {
            Assert.Equal(HttpStatusCode.OK, warmCourse.StatusCode);
            Assert.Equal(1, (await warmList.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("total").GetInt32());
        }

        await SendAsync(HttpMethod.Post, $"/api/v1/courses/{id}/unpublish", token, null);

        await EventuallyOnNodeBAsync($"/api/v1/courses/{id}", r => Task.FromResult(r.StatusCode == HttpStatusCode.NotFound));
        await EventuallyOnNodeBAsync($"/api/v1/courses?tag={tag}",
            async r => (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("total").GetInt32() == 0);
    }

    [Fact]
    public async Task A_course_published_on_one_node_appears_in_the_others_cached_listing()
    {
        var tag = "t" + Guid.NewGuid().ToString("N")[..12];
        using (var warmList = await _nodeB.Value.GetAsync($"/api/v1/courses?tag={tag}"))
        {
            Assert.Equal(0, (await warmList.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("total").GetInt32());
        }
        var instructor = await _nodeA.NewUserWithRoleAsync("instructor");
        var course = await SendAsync(HttpMethod.Post, "/api/v1/courses", instructor.Tokens.AccessToken, new { title = "Fresh " + tag, tags = new[] { tag } });
        var id = course.GetProperty("id").GetString()!;
        var section = await SendAsync(HttpMethod.Post, $"/api/v1/courses/{id}/sections", instructor.Tokens.AccessToken, new { title = "S" });
        await SendAsync(HttpMethod.Post, $"/api/v1/courses/{id}/lessons", instructor.Tokens.AccessToken,
            new { sectionId = section.GetProperty("id").GetString(), title = "L", kind = "video" });

        await SendAsync(HttpMethod.Post, $"/api/v1/courses/{id}/publish", instructor.Tokens.AccessToken, null);

        await EventuallyOnNodeBAsync($"/api/v1/courses?tag={tag}",
            async r => (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("total").GetInt32() == 1);
    }
}
