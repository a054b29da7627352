using System.Net;
using LearnStream.Api.Tests.Infrastructure;

namespace LearnStream.Api.Tests;

/// <summary>Two app nodes on one PostgreSQL and one Redis: a session ended on one is ended on both.</summary>
public sealed class TwoNodeTests(PostgresRedisFixture fixture) : IClassFixture<PostgresRedisFixture>
{
    private readonly HttpClient _nodeA = fixture.App.CreateClient();
    private readonly Lazy<HttpClient> _nodeB = new(() => fixture.StartNode().CreateClient());

    private Task AssertRefusedOnNodeBAsync(string accessToken) => TwoNodes.EventuallyAsync(
        async () => await _nodeB.Value.GetMeStatusAsync(accessToken) == HttpStatusCode.Unauthorized, "node B still accepted the token");

    [Fact]
    public async Task Logout_on_one_node_ends_the_access_token_on_the_other()
    {
        var user = await _nodeA.NewUserAsync();
        var bystander = await _nodeA.NewUserAsync();
        Assert.Equal(HttpStatusCode.OK, await _nodeB.Value.GetMeStatusAsync(user.Tokens.AccessToken));

        using var logout = await _nodeA.SendAsync(TestApi.Bearer(HttpMethod.Post, "/api/v1/auth/logout-all", user.Tokens.AccessToken));
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);

        await AssertRefusedOnNodeBAsync(user.Tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, await _nodeB.Value.GetMeStatusAsync(bystander.Tokens.AccessToken));
    }

    [Fact]
    public async Task Disabling_on_one_node_ends_the_users_tokens_on_the_other()
    {
        var user = await _nodeA.NewUserAsync();
        var admin = await _nodeB.Value.LoginAdminAsync();
        Assert.Equal(HttpStatusCode.OK, await _nodeB.Value.GetMeStatusAsync(user.Tokens.AccessToken));

        using var disable = await _nodeA.SendAsync(TestApi.Bearer(HttpMethod.Patch, $"/api/v1/admin/users/{user.Id}", admin.AccessToken, new { disabled = true }));
        Assert.Equal(HttpStatusCode.OK, disable.StatusCode);

        await AssertRefusedOnNodeBAsync(user.Tokens.AccessToken);
    }

    [Fact]
    public async Task Reuse_on_one_node_of_a_token_rotated_on_the_other_revokes_the_session_everywhere()
    {
        var user = await _nodeA.NewUserAsync();
        using var rotated = await _nodeA.RefreshAsync(user.Tokens.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);

        using var reuse = await _nodeB.Value.RefreshAsync(user.Tokens.RefreshToken);

        Assert.Equal(HttpStatusCode.Unauthorized, reuse.StatusCode);
        await TwoNodes.EventuallyAsync(async () => await _nodeA.GetMeStatusAsync(user.Tokens.AccessToken) == HttpStatusCode.Unauthorized,
            "node A still accepted the access token of a revoked session");
    }

    [Fact]
    public async Task A_node_started_after_a_revocation_knows_it_from_the_database()
    {
        var user = await _nodeA.NewUserAsync();
        using var logout = await _nodeA.SendAsync(TestApi.Bearer(HttpMethod.Post, "/api/v1/auth/logout-all", user.Tokens.AccessToken));
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);

        var late = fixture.StartNode().CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, await late.GetMeStatusAsync(user.Tokens.AccessToken));
    }
}
