using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearnStream.Api.Features.Auth;
using LearnStream.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LearnStream.Api.Tests;

/// <summary>
/// The verified-signature cache in the real pipeline: a token the service has already verified (and so
/// remembers) must still fail every other check.
/// </summary>
public abstract class VerifiedTokenCacheTests(StoreFixture fixture)
{
    private readonly HttpClient _client = fixture.App.CreateClient();
    private VerifiedTokenCache Cache => fixture.App.Services.GetRequiredService<VerifiedTokenCache>();

    private async Task<TestUser> UserWithCachedTokenAsync()
    {
        var user = await _client.NewUserAsync();
        Assert.Equal(HttpStatusCode.OK, await _client.GetMeStatusAsync(user.Tokens.AccessToken));
        Assert.True(Cache.Holds(user.Tokens.AccessToken), "the first request should have cached the token");
        return user;
    }

    [Fact]
    public void The_bearer_scheme_validates_with_the_handler_that_reuses_remembered_tokens()
    {
        var options = fixture.App.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);

        var handler = Assert.IsType<RememberedTokenHandler>(Assert.Single(options.TokenHandlers));
        Assert.False(handler.MapInboundClaims);
    }

    [Fact]
    public async Task A_cached_token_keeps_working_on_later_requests()
    {
        var user = await UserWithCachedTokenAsync();

        Assert.Equal(HttpStatusCode.OK, await _client.GetMeStatusAsync(user.Tokens.AccessToken));
        Assert.Equal(HttpStatusCode.OK, await _client.GetMeStatusAsync(user.Tokens.AccessToken));
    }

    [Theory]
    [InlineData("Bearer {0}")]
    [InlineData("bearer {0}")]
    [InlineData("BEARER   {0}  ")]
    public async Task A_cached_token_is_taken_in_every_header_form_the_bearer_scheme_takes(string header)
    {
        var user = await UserWithCachedTokenAsync();
        var token = user.Tokens.AccessToken;

        Assert.Equal(HttpStatusCode.OK, await GetMeAsync(string.Format(header, token)));
        // Not a remembered string: the handler validates it in full, and refuses it.
        Assert.Equal(HttpStatusCode.Unauthorized, await GetMeAsync(string.Format(header, token[..^1])));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetMeAsync(string.Format(header, token + "A")));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetMeAsync(token));
    }

    private async Task<HttpStatusCode> GetMeAsync(string authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        Assert.True(request.Headers.TryAddWithoutValidation("Authorization", authorization));
        using var response = await _client.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task A_cached_token_is_refused_once_its_session_is_logged_out()
    {
        var user = await UserWithCachedTokenAsync();

        using var logout = await _client.PostAsJsonAsync("/api/v1/auth/logout", new { refreshToken = user.Tokens.RefreshToken });

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.True(Cache.Holds(user.Tokens.AccessToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await _client.GetMeStatusAsync(user.Tokens.AccessToken));
    }

    [Fact]
    public async Task An_edited_payload_is_refused_right_after_the_genuine_token_was_cached()
    {
        var user = await UserWithCachedTokenAsync();

        var promoted = TokenForge.WithPayload(user.Tokens.AccessToken, p =>
        {
            p["role"] = JsonSerializer.SerializeToElement("admin");
            return p;
        });

        using var list = await _client.SendAsync(TestApi.Bearer(HttpMethod.Get, "/api/v1/admin/users", promoted));
        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        Assert.False(Cache.Holds(promoted));
    }

    [Fact]
    public async Task A_signature_changed_by_one_character_is_refused_right_after_the_genuine_token_was_cached()
    {
        var user = await UserWithCachedTokenAsync();
        var token = user.Tokens.AccessToken;
        var at = token.LastIndexOf('.') + 40;
        var forged = string.Concat(token.AsSpan(0, at), token[at] == 'A' ? "B" : "A", token.AsSpan(at + 1));

        Assert.Equal(HttpStatusCode.Unauthorized, await _client.GetMeStatusAsync(forged));
        Assert.Equal(HttpStatusCode.OK, await _client.GetMeStatusAsync(token));
    }
}

public sealed class VerifiedTokenCacheTests_Sqlite(SqliteFixture fixture) : VerifiedTokenCacheTests(fixture), IClassFixture<SqliteFixture>;

public sealed class VerifiedTokenCacheTests_Postgres(PostgresRedisFixture fixture) : VerifiedTokenCacheTests(fixture), IClassFixture<PostgresRedisFixture>;
