using System.Net;
using LearnStream.Api.Tests.Infrastructure;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;

namespace LearnStream.Api.Tests.Catalog;

/// <summary>Publish, unpublish and archive, and what each state allows.</summary>
public abstract class CatalogApiLifecycleTests(StoreFixture fixture)
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    [Fact]
    public async Task Delete_of_a_published_or_archived_course_is_409_and_keeps_it()
    {
        var published = await _client.PublishedCourseAsync();
        var archived = await _client.PublishedCourseAsync();
        using (var archive = await _client.SendAsync(HttpMethod.Post, $"{Courses}/{archived.Id}/archive", archived.Owner.Tokens.AccessToken))
        {
            Assert.Equal("archived", (await archive.JsonAsync(HttpStatusCode.OK)).Str("status"));
        }

        foreach (var course in new[] { published, archived })
        {
            using var response = await _client.SendAsync(HttpMethod.Delete, $"{Courses}/{course.Id}", course.Owner.Tokens.AccessToken);
            await response.ProblemAsync(HttpStatusCode.Conflict);
            Assert.Equal(HttpStatusCode.OK, await _client.GetCourseStatusAsync(course.Owner.Tokens.AccessToken, course.Id));
        }
    }

    [Fact]
    public async Task Publish_sets_status_and_published_at_and_shows_the_course_to_everyone()
    {
        var draft = await _client.PublishedCourseAsync(publish: false);
        Assert.Equal(HttpStatusCode.NotFound, await _client.GetCourseStatusAsync(null, draft.Id));

        var published = await _client.PublishAsync(draft.Owner.Tokens.AccessToken, draft.Id);

        Assert.Equal("published", published.Str("status"));
        Assert.EndsWith("Z", published.Str("publishedAt"), StringComparison.Ordinal);
        Assert.True(published.GetProperty("publishedAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.Equal("published", (await _client.GetCourseAsync(null, draft.Id)).Str("status"));
    }

    [Fact]
    public async Task Publish_of_a_course_without_a_lesson_is_409_and_it_stays_a_draft()
    {
        var owner = await _client.NewUserWithRoleAsync("instructor");
        var course = await _client.CreateCourseAsync(owner.Tokens.AccessToken, $"Empty {Marker()}");
        await _client.AddSectionAsync(owner.Tokens.AccessToken, course.Str("id"));

        using var response = await _client.SendAsync(HttpMethod.Post, $"{Courses}/{course.Str("id")}/publish", owner.Tokens.AccessToken);

        await response.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("draft", (await _client.GetCourseAsync(owner.Tokens.AccessToken, course.Str("id"))).Str("status"));
        Assert.Equal(HttpStatusCode.NotFound, await _client.GetCourseStatusAsync(null, course.Str("id")));
    }

    [Fact]
    public async Task Unpublish_returns_the_course_to_draft_and_hides_it_again()
    {
        var course = await _client.PublishedCourseAsync();

        using var response = await _client.SendAsync(HttpMethod.Post, $"{Courses}/{course.Id}/unpublish", course.Owner.Tokens.AccessToken);

        Assert.Equal("draft", (await response.JsonAsync(HttpStatusCode.OK)).Str("status"));
        Assert.Equal(HttpStatusCode.NotFound, await _client.GetCourseStatusAsync(null, course.Id));
    }

    [Fact]
    public async Task Archive_hides_the_course_from_the_public_list_and_anonymous_get()
    {
        var tag = Marker();
        var course = await _client.PublishedCourseAsync();
        using (var tagged = await _client.SendAsync(HttpMethod.Patch, $"{Courses}/{course.Id}", course.Owner.Tokens.AccessToken, new { tags = new[] { tag } }))
        {
            Assert.Equal(HttpStatusCode.OK, tagged.StatusCode);
        }
        Assert.Equal([course.Id], await _client.ListIdsAsync(null, $"tag={tag}"));

        using var response = await _client.SendAsync(HttpMethod.Post, $"{Courses}/{course.Id}/archive", course.Owner.Tokens.AccessToken);

        Assert.Equal("archived", (await response.JsonAsync(HttpStatusCode.OK)).Str("status"));
        Assert.Empty(await _client.ListIdsAsync(null, $"tag={tag}"));
        Assert.Equal(HttpStatusCode.NotFound, await _client.GetCourseStatusAsync(null, course.Id));
        Assert.Equal("archived", (await _client.GetCourseAsync(course.Owner.Tokens.AccessToken, course.Id)).Str("status"));
    }
}

public sealed class CatalogApiLifecycleTests_Sqlite(SqliteFixture fixture) : CatalogApiLifecycleTests(fixture), IClassFixture<SqliteFixture>;

public sealed class CatalogApiLifecycleTests_Postgres(PostgresRedisFixture fixture) : CatalogApiLifecycleTests(fixture), IClassFixture<PostgresRedisFixture>;
