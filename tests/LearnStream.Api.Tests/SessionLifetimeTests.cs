using System.Net;
using System.Net.Http.Json;
using LearnStream.Api.Features.Auth;
using LearnStream.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LearnStream.Api.Tests;

/// <summary>Idle timeout and absolute lifetime of sessions, with the server's clock under test control.</summary>
public abstract class SessionLifetimeTests
{
    protected abstract StoreFixture NewFixture();

    private async Task<(StoreFixture Fixture, FakeTimeProvider Clock, HttpClient Client)> StartAsync()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var fixture = NewFixture();
        fixture.Overrides["Auth:Sessions:IdleDays"] = "14";
        fixture.Overrides["Auth:Sessions:LifetimeDays"] = "30";
        fixture.Services = services => services.AddSingleton<TimeProvider>(clock);
        await fixture.InitializeAsync();
        return (fixture, clock, fixture.App.CreateClient());
    }

    private static async Task<TokenResponse?> TryRefreshAsync(HttpClient client, string token)
    {
        using var response = await client.RefreshAsync(token);
        return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<TokenResponse>(TestApi.Json) : null;
    }

    [Fact]
    public async Task A_refresh_token_unused_past_the_idle_timeout_no_longer_refreshes()
    {
        var (fixture, clock, client) = await StartAsync();
        await using var _ = fixture;
        var user = await client.NewUserAsync();
        var active = await client.LoginOkAsync(user.Email);

        clock.Advance(TimeSpan.FromDays(13));
        var kept = await TryRefreshAsync(client, active.RefreshToken);
        clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));

        Assert.NotNull(kept);
        Assert.Null(await TryRefreshAsync(client, user.Tokens.RefreshToken));
        Assert.NotNull(await TryRefreshAsync(client, kept.RefreshToken));
    }

    [Fact]
    public async Task No_amount_of_refreshing_extends_a_session_past_its_lifetime()
    {
        var (fixture, clock, client) = await StartAsync();
        await using var _ = fixture;
        var user = await client.NewUserAsync();
        var token = user.Tokens.RefreshToken;

        for (var day = 10; day < 30; day += 10)
        {
            clock.Advance(TimeSpan.FromDays(10));
            var pair = await TryRefreshAsync(client, token);
            Assert.NotNull(pair);
            Assert.True(pair.RefreshTokenExpiresAt <= clock.GetUtcNow().AddDays(14));
            token = pair.RefreshToken;
        }
        clock.Advance(TimeSpan.FromDays(10) + TimeSpan.FromMinutes(1));

        Assert.Null(await TryRefreshAsync(client, token));
    }

    [Fact]
    public async Task Expired_sessions_and_their_tokens_are_deleted_in_the_background()
    {
        var (fixture, clock, client) = await StartAsync();
        await using var _ = fixture;
        var user = await client.NewUserAsync();
        var userId = Guid.Parse(user.Id);

        clock.Advance(TimeSpan.FromDays(32));

        await using var scope = fixture.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LearnStream.Api.Data.LearnStreamDbContext>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await db.Sessions.AnyAsync(s => s.UserId == userId))
        {
            Assert.True(DateTime.UtcNow < deadline, "the expired session was not deleted");
            await Task.Delay(50);
        }
        Assert.False(await db.RefreshTokens.AnyAsync(t => t.TokenHash == SessionService.HashToken(user.Tokens.RefreshToken)));
        Assert.True(await db.Users.AnyAsync(u => u.Id == userId));
    }
}

public sealed class SessionLifetimeTests_Sqlite : SessionLifetimeTests
{
    protected override StoreFixture NewFixture() => new SqliteFixture();
}

public sealed class SessionLifetimeTests_Postgres : SessionLifetimeTests
{
    protected override StoreFixture NewFixture() => new PostgresRedisFixture();
}
