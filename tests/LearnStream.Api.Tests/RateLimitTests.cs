using System.Net;
using System.Net.Http.Json;
using LearnStream.Api.Data;
using LearnStream.Api.Features.Users;
using LearnStream.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LearnStream.Api.Tests;

/// <summary>Each test starts its own service, so counts from other tests cannot leak in.</summary>
public abstract class RateLimitTests
{
    protected abstract StoreFixture NewFixture();

    private async Task<StoreFixture> StartAsync(int perAddress, int perAccount)
    {
        var fixture = NewFixture();
        fixture.Overrides["RateLimits:Auth:PerAddressPerMinute"] = perAddress.ToString(System.Globalization.CultureInfo.InvariantCulture);
        fixture.Overrides["RateLimits:Auth:PerAccountPerMinute"] = perAccount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await fixture.InitializeAsync();
        return fixture;
    }

    private static async Task AssertThrottledAsync(HttpResponseMessage response)
    {
        await response.ProblemAsync(HttpStatusCode.TooManyRequests);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 60);
    }

    [Fact]
    public async Task Login_attempts_per_account_are_throttled_and_other_accounts_are_not()
    {
        await using var fixture = await StartAsync(perAddress: 1000, perAccount: 3);
        var client = fixture.App.CreateClient();
        var victim = TestApi.NewEmail();
        var other = TestApi.NewEmail();
        (await client.RegisterAsync(victim)).EnsureSuccessStatusCode();
        (await client.RegisterAsync(other)).EnsureSuccessStatusCode();

        for (var i = 0; i < 3; i++)
        {
            using var wrong = await client.LoginAsync(victim, "Wrong-password-123");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        using var throttled = await client.LoginAsync(victim.ToUpperInvariant());

        await AssertThrottledAsync(throttled);
        await client.LoginOkAsync(other);
    }

    [Fact]
    public async Task Register_login_and_refresh_share_one_budget_per_address()
    {
        await using var fixture = await StartAsync(perAddress: 4, perAccount: 1000);
        var client = fixture.App.CreateClient();
        var email = TestApi.NewEmail();

        (await client.RegisterAsync(email)).EnsureSuccessStatusCode();
        var tokens = await client.LoginOkAsync(email);
        (await client.RefreshAsync(tokens.RefreshToken)).EnsureSuccessStatusCode();
        using var wrong = await client.LoginAsync(email, "Wrong-password-123");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);

        var refused = TestApi.NewEmail();
        using var throttled = await client.RegisterAsync(refused);

        await AssertThrottledAsync(throttled);
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LearnStreamDbContext>();
        Assert.False(await db.Users.AnyAsync(u => u.NormalizedEmail == User.Normalize(refused)));
    }
}

public sealed class RateLimitTests_Sqlite : RateLimitTests
{
    protected override StoreFixture NewFixture() => new SqliteFixture();
}

public sealed class RateLimitTests_Postgres : RateLimitTests
{
    protected override StoreFixture NewFixture() => new PostgresRedisFixture();

    [Fact]
    public async Task Two_nodes_sharing_redis_share_the_limit()
    {
        await using var fixture = new PostgresRedisFixture();
        fixture.Overrides["RateLimits:Auth:PerAddressPerMinute"] = "4";
        await fixture.InitializeAsync();
        var nodeA = fixture.App.CreateClient();
        var nodeB = fixture.StartNode().CreateClient();

        for (var i = 0; i < 2; i++)
        {
            using var a = await nodeA.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = "unknown-a" });
            using var b = await nodeB.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = "unknown-b" });
            Assert.Equal(HttpStatusCode.Unauthorized, a.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, b.StatusCode);
        }

        using var throttledA = await nodeA.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = "unknown-a" });
        using var throttledB = await nodeB.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = "unknown-b" });
        Assert.Equal(HttpStatusCode.TooManyRequests, throttledA.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttledB.StatusCode);
    }
}
