using System.Net;
using System.Net.Http.Json;
using LearnStream.Api.Tests.Infrastructure;

namespace LearnStream.Api.Tests;

/// <summary>Which sessions each account event ends, and that it ends no others.</summary>
public abstract class SessionTests(StoreFixture fixture)
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    [Fact]
    public async Task Refresh_with_spent_token_revokes_the_session_and_its_access_tokens()
    {
        var user = await _client.NewUserAsync();
        var rotated = await RefreshOkAsync(user.Tokens.RefreshToken);
        var otherSession = await _client.LoginOkAsync(user.Email);

        using var reuse = await _client.RefreshAsync(user.Tokens.RefreshToken);

        await reuse.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.Unauthorized, await _client.GetMeStatusAsync(rotated.AccessToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await _client.GetMeStatusAsync(user.Tokens.AccessToken));
        using var rotatedRefresh = await _client.RefreshAsync(rotated.RefreshToken);
        Assert.Equal(HttpStatusCode.Unauthorized, rotatedRefresh.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await _client.GetMeStatusAsync(otherSession.AccessToken));
    }

    [Fact]
    public async Task Twenty_concurrent_refreshes_of_one_token_give_exactly_one_success()
    {
        var user = await _client.NewUserAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => _client.RefreshAsync(user.Tokens.RefreshToken)));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.Unauthorized));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Logout_ends_that_session_only()
    {
        var user = await _client.NewUserAsync();
        var second = await _client.LoginOkAsync(user.Email);

        using var logout = await _client.PostAsJsonAsync("/api/v1/auth/logout", new { refreshToken = user.Tokens.RefreshToken });

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await _client.GetMeStatusAsync(user.Tokens.AccessToken));
        using var refresh = await _client.RefreshAsync(user.Tokens.RefreshToken);
        Assert.Equal(HttpStatusCode.Unauthorized, refresh.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await _client.GetMeStatusAsync(second.AccessToken));
    }

    [Fact]
    public async Task Logout_all_ends_every_session_of_the_caller_and_none_of_others()
    {
        var user = await _client.NewUserAsync();
        var second = await _client.LoginOkAsync(user.Email);
        var bystander = await _client.NewUserAsync();

        using var response = await _client.SendAsync(TestApi.Bearer(HttpMethod.Post, "/api/v1/auth/logout-all", user.Tokens.AccessToken));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await _client.GetMeStatusAsync(user.Tokens.AccessToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await _client.GetMeStatusAsync(second.AccessToken));
        using var refresh = await _client.RefreshAsync(second.RefreshToken);
        Assert.Equal(HttpStatusCode.Unauthorized, refresh.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await _client.GetMeStatusAsync(bystander.Tokens.AccessToken));
        await _client.LoginOkAsync(user.Email);
    }

    [Fact]
    public async Task Password_change_ends_the_other_sessions_and_keeps_the_current_one()
    {
        var user = await _client.NewUserAsync();
        var other = await _client.LoginOkAsync(user.Email);
        const string newPassword = "Another-Unusual-passphrase-42";

        using var change = await _client.SendAsync(TestApi.Bearer(HttpMethod.Patch, "/api/v1/me", user.Tokens.AccessToken,
            new { currentPassword = user.Password, newPassword }));

        Assert.Equal(HttpStatusCode.OK, change.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await _client.GetMeStatusAsync(user.Tokens.AccessToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await _client.GetMeStatusAsync(other.AccessToken));
        using var oldLogin = await _client.LoginAsync(user.Email, user.Password);
        Assert.Equal(HttpStatusCode.Unauthorized, oldLogin.StatusCode);
        await _client.LoginOkAsync(user.Email, newPassword);
    }

    [Fact]
    public async Task Role_change_ends_the_users_sessions_and_the_next_login_carries_the_new_role()
    {
        var user = await _client.NewUserAsync();
        var bystander = await _client.NewUserAsync();
        var admin = await _client.LoginAdminAsync();

        using var change = await _client.SendAsync(TestApi.Bearer(HttpMethod.Patch, $"/api/v1/admin/users/{user.Id}", admin.AccessToken, new { role = "instructor" }));

        Assert.Equal(HttpStatusCode.OK, change.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await _client.GetMeStatusAsync(user.Tokens.AccessToken));
        Assert.Equal(HttpStatusCode.OK, await _client.GetMeStatusAsync(bystander.Tokens.AccessToken));
        Assert.Equal(HttpStatusCode.OK, await _client.GetMeStatusAsync(admin.AccessToken));
        var relogin = await _client.LoginOkAsync(user.Email);
        using var me = await _client.SendAsync(TestApi.Bearer(HttpMethod.Get, "/api/v1/me", relogin.AccessToken));
        Assert.Equal("instructor", (await me.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("role").GetString());
    }

    [Fact]
    public async Task Disabling_ends_the_users_sessions_and_refuses_login_until_enabled()
    {
        var user = await _client.NewUserAsync();
        var admin = await _client.LoginAdminAsync();

        using var disable = await _client.SendAsync(TestApi.Bearer(HttpMethod.Patch, $"/api/v1/admin/users/{user.Id}", admin.AccessToken, new { disabled = true }));

        Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await _client.GetMeStatusAsync(user.Tokens.AccessToken));
        using var refresh = await _client.RefreshAsync(user.Tokens.RefreshToken);
        Assert.Equal(HttpStatusCode.Unauthorized, refresh.StatusCode);
        using var login = await _client.LoginAsync(user.Email);
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);

        using var enable = await _client.SendAsync(TestApi.Bearer(HttpMethod.Patch, $"/api/v1/admin/users/{user.Id}", admin.AccessToken, new { disabled = false }));
        Assert.Equal(HttpStatusCode.OK, enable.StatusCode);
        await _client.LoginOkAsync(user.Email);
    }

    private async Task<LearnStream.Api.Features.Auth.TokenResponse> RefreshOkAsync(string refreshToken)
    {
        using var response = await _client.RefreshAsync(refreshToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<LearnStream.Api.Features.Auth.TokenResponse>(TestApi.Json))!;
    }
}

public sealed class SessionTests_Sqlite(SqliteFixture fixture) : SessionTests(fixture), IClassFixture<SqliteFixture>;

public sealed class SessionTests_Postgres(PostgresRedisFixture fixture) : SessionTests(fixture), IClassFixture<PostgresRedisFixture>;
