using System.Net;
using System.Net.Http.Json;
using LearnStream.Api.Features.Auth;
using LearnStream.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace LearnStream.Api.Tests;

/// <summary>
/// The bearer scheme's shortcut (<see cref="RememberedBearerHandler"/>): a token validated in full once is
/// taken on later requests without the token handlers, and a token whose session ended goes the full way
/// again, which refuses it. The token handlers are wrapped to count the validations they are asked for.
/// </summary>
public abstract class RememberedBearerTests
{
    protected abstract StoreFixture NewFixture();

    [Fact]
    public async Task A_token_validated_once_is_taken_without_the_token_handlers_until_its_session_ends()
    {
        var counting = new List<CountingTokenHandler>();
        var fixture = NewFixture();
        fixture.Services = services => services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, bearer =>
        {
            var wrapped = bearer.TokenHandlers.Select(handler => new CountingTokenHandler(handler)).ToList();
            counting.AddRange(wrapped);
            bearer.TokenHandlers.Clear();
            wrapped.ForEach(bearer.TokenHandlers.Add);
        });
        await fixture.InitializeAsync();
        await using var _ = fixture;
        var client = fixture.App.CreateClient();
        var user = await client.NewUserAsync();
        var token = user.Tokens.AccessToken;
        var handler = Assert.Single(counting);

        Assert.Equal(HttpStatusCode.OK, await client.GetMeStatusAsync(token));
        Assert.Equal(1, handler.Count);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await client.GetMeStatusAsync(token));
        }
        Assert.Equal(1, handler.Count);
        // Another learner's token is its own: validated in full once, then remembered too.
        var other = await client.NewUserAsync();
        Assert.Equal(HttpStatusCode.OK, await client.GetMeStatusAsync(other.Tokens.AccessToken));
        Assert.Equal(HttpStatusCode.OK, await client.GetMeStatusAsync(other.Tokens.AccessToken));
        Assert.Equal(2, handler.Count);

        using var logout = await client.PostAsJsonAsync("/api/v1/auth/logout", new { refreshToken = user.Tokens.RefreshToken });
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await client.GetMeStatusAsync(token));
        Assert.Equal(3, handler.Count);
        Assert.Equal(HttpStatusCode.OK, await client.GetMeStatusAsync(other.Tokens.AccessToken));
        Assert.Equal(3, handler.Count);
    }

    private sealed class CountingTokenHandler(TokenHandler inner) : TokenHandler
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public override Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
        {
            Interlocked.Increment(ref _count);
            return inner.ValidateTokenAsync(token, validationParameters);
        }
    }
}

public sealed class RememberedBearerTests_Sqlite : RememberedBearerTests
{
    protected override StoreFixture NewFixture() => new SqliteFixture();
}

public sealed class RememberedBearerTests_Postgres : RememberedBearerTests
{
    protected override StoreFixture NewFixture() => new PostgresRedisFixture();
}
