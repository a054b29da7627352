using System.Net;
using LearnStream.Api.Tests.Infrastructure;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;

namespace LearnStream.Api.Tests.Catalog;

/// <summary>GET /courses: who sees what, filters, search, order and paging.</summary>
public abstract class CatalogApiListTests(StoreFixture fixture)
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    /// <summary>Under one tag: a published course and a draft of one instructor, and a draft of another.</summary>
    private async Task<(string Tag, TestUser Owner, string Published, string OwnDraft, TestUser Other, string OtherDraft)> MixedAsync()
    {
        var tag = Marker();
        var published = await _client.PublishedCourseAsync();
        var owner = published.Owner;
        using (var tagged = await _client.SendAsync(HttpMethod.Patch, $"{Courses}/{published.Id}", owner.Tokens.AccessToken, new { tags = new[] { tag } }))
        {
            Assert.Equal(HttpStatusCode.OK, tagged.StatusCode);
        }
        var ownDraft = await _client.CreateCourseAsync(owner.Tokens.AccessToken, $"Own draft {tag}", [tag]);
        var other = await _client.NewUserWithRoleAsync("instructor");
        var otherDraft = await _client.CreateCourseAsync(other.Tokens.AccessToken, $"Other draft {tag}", [tag]);
        return (tag, owner, published.Id, ownDraft.Str("id"), other, otherDraft.Str("id"));
    }

    [Fact]
    public async Task Anonymous_callers_and_students_see_published_courses_only()
    {
        var mixed = await MixedAsync();
        var student = await _client.NewUserAsync();

        foreach (var token in new[] { null, student.Tokens.AccessToken })
        {
            var page = await _client.ListAsync(token, $"tag={mixed.Tag}");
            Assert.Equal(1, page.GetProperty("total").GetInt32());
            var item = Assert.Single(page.GetProperty("items").EnumerateArray());
            Assert.Equal(mixed.Published, item.Str("id"));
            Assert.Equal("published", item.Str("status"));
            Assert.False(item.TryGetProperty("sections", out _), $"A list item carries sections: {item.GetRawText()}");
        }
    }

    [Fact]
    public async Task An_instructor_also_sees_their_own_drafts_but_not_other_instructors_drafts()
    {
        var mixed = await MixedAsync();

        var ownerSees = await _client.ListIdsAsync(mixed.Owner.Tokens.AccessToken, $"tag={mixed.Tag}");
        var otherSees = await _client.ListIdsAsync(mixed.Other.Tokens.AccessToken, $"tag={mixed.Tag}");

        Assert.Equal([mixed.OwnDraft, mixed.Published], ownerSees);
        Assert.Equal([mixed.OtherDraft, mixed.Published], otherSees);
    }

    [Fact]
    public async Task An_admin_sees_every_course_newest_first()
    {
        var mixed = await MixedAsync();
        var admin = await _client.LoginAdminAsync();

        var page = await _client.ListAsync(admin.AccessToken, $"tag={mixed.Tag}");

        Assert.Equal(3, page.GetProperty("total").GetInt32());
        Assert.Equal([mixed.OtherDraft, mixed.OwnDraft, mixed.Published],
            page.GetProperty("items").EnumerateArray().Select(c => c.Str("id")).ToList());
    }

    [Fact]
    public async Task Filters_by_tag_level_and_instructor_combine()
    {
        var admin = await _client.LoginAdminAsync();
        var tag = Marker();
        var alice = await _client.NewUserWithRoleAsync("instructor");
        var bob = await _client.NewUserWithRoleAsync("instructor");
        var aliceBeginner = await _client.CreateCourseAsync(alice.Tokens.AccessToken, $"A1 {tag}", [tag, "extra"], "beginner");
        var aliceAdvanced = await _client.CreateCourseAsync(alice.Tokens.AccessToken, $"A2 {tag}", [tag], "advanced");
        var bobBeginner = await _client.CreateCourseAsync(bob.Tokens.AccessToken, $"B1 {tag}", [tag], "beginner");
        await _client.CreateCourseAsync(bob.Tokens.AccessToken, $"B2 {tag}", ["unrelated-" + tag], "beginner");

        Assert.Equal([bobBeginner.Str("id"), aliceBeginner.Str("id")], await _client.ListIdsAsync(admin.AccessToken, $"tag={tag}&level=beginner"));
        Assert.Equal([aliceAdvanced.Str("id"), aliceBeginner.Str("id")], await _client.ListIdsAsync(admin.AccessToken, $"tag={tag}&instructorId={alice.Id}"));
        Assert.Equal([aliceAdvanced.Str("id")], await _client.ListIdsAsync(admin.AccessToken, $"instructorId={alice.Id}&level=advanced"));
        Assert.Empty(await _client.ListIdsAsync(admin.AccessToken, $"tag={tag}&level=intermediate"));
    }

    [Fact]
    public async Task Search_matches_a_word_of_the_title()
    {
        var admin = await _client.LoginAdminAsync();
        var owner = await _client.NewUserWithRoleAsync("instructor");
        var word = Marker();
        var other = Marker();
        var match = await _client.CreateCourseAsync(owner.Tokens.AccessToken, $"Learning {word} in depth");
        await _client.CreateCourseAsync(owner.Tokens.AccessToken, $"Learning {other} in depth");

        Assert.Equal([match.Str("id")], await _client.ListIdsAsync(admin.AccessToken, $"search={word}"));
        Assert.Equal([match.Str("id")], await _client.ListIdsAsync(owner.Tokens.AccessToken, $"search={word}"));
        Assert.Empty(await _client.ListIdsAsync(null, $"search={word}"));
        Assert.Equal([match.Str("id")], await _client.ListIdsAsync(admin.AccessToken, $"search={word.ToUpperInvariant()}"));
    }

    [Theory]
    [InlineData("%25")]
    [InlineData("_")]
    [InlineData("%5C")]
    [InlineData("%27%20OR%201%3D1--")]
    public async Task Search_treats_wildcards_and_quotes_as_plain_text(string search)
    {
        var admin = await _client.LoginAdminAsync();
        var owner = await _client.NewUserWithRoleAsync("instructor");
        var tag = Marker();
        await _client.CreateCourseAsync(owner.Tokens.AccessToken, $"Plain title {tag}", [tag]);

        Assert.Empty(await _client.ListIdsAsync(admin.AccessToken, $"tag={tag}&search={search}"));
    }

    [Fact]
    public async Task Pages_split_the_list_without_overlap_and_report_the_total()
    {
        var admin = await _client.LoginAdminAsync();
        var owner = await _client.NewUserWithRoleAsync("instructor");
        var tag = Marker();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await _client.CreateCourseAsync(owner.Tokens.AccessToken, $"Paged {i} {tag}", [tag])).Str("id"));
        }
        ids.Reverse();

        var first = await _client.ListAsync(admin.AccessToken, $"tag={tag}&page=1&pageSize=2");
        var third = await _client.ListAsync(admin.AccessToken, $"tag={tag}&page=3&pageSize=2");
        var beyond = await _client.ListAsync(admin.AccessToken, $"tag={tag}&page=4&pageSize=2");

        Assert.Equal(5, first.GetProperty("total").GetInt32());
        Assert.Equal(1, first.GetProperty("page").GetInt32());
        Assert.Equal(2, first.GetProperty("pageSize").GetInt32());
        Assert.Equal(ids[..2], first.GetProperty("items").EnumerateArray().Select(c => c.Str("id")).ToList());
        Assert.Equal(ids[4..], third.GetProperty("items").EnumerateArray().Select(c => c.Str("id")).ToList());
        Assert.Equal(3, third.GetProperty("page").GetInt32());
        Assert.Empty(beyond.GetProperty("items").EnumerateArray());
        Assert.Equal(5, beyond.GetProperty("total").GetInt32());
        Assert.Empty((await _client.ListAsync(admin.AccessToken, $"tag={tag}&page=1000000&pageSize=100")).GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData("pageSize=101")]
    [InlineData("pageSize=0")]
    [InlineData("page=0")]
    [InlineData("page=-1")]
    [InlineData("page=abc")]
    [InlineData("pageSize=99999999999999999999")]
    public async Task A_bad_page_or_page_size_is_400_problem(string query)
    {
        using var response = await _client.SendAsync(HttpMethod.Get, $"{Courses}?{query}", null);

        await response.ProblemAsync(HttpStatusCode.BadRequest);
    }
}

public sealed class CatalogApiListTests_Sqlite(SqliteFixture fixture) : CatalogApiListTests(fixture), IClassFixture<SqliteFixture>;

public sealed class CatalogApiListTests_Postgres(PostgresRedisFixture fixture) : CatalogApiListTests(fixture), IClassFixture<PostgresRedisFixture>;
