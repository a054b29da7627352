using System.Net;
using System.Net.Http.Json;
using LearnStream.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LearnStream.Api.Tests;

/// <summary>Runs the auth flows with every log category at Debug and searches the output for secrets.</summary>
public sealed class SecretLoggingTests
{
    [Fact]
    public async Task Passwords_and_tokens_never_reach_the_logs()
    {
        var capture = new LogCapture();
        await using var fixture = new PostgresRedisFixture();
        fixture.Overrides["Logging:LogLevel:Default"] = "Debug";
        fixture.Overrides["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Debug";
        fixture.Services = services => services.AddSingleton<ILoggerProvider>(capture);
        await fixture.InitializeAsync();
        var client = fixture.App.CreateClient();

        var user = await client.NewUserAsync();
        using var wrong = await client.LoginAsync(user.Email, "Wrong-But-Secret-Guess-77");
        using var rotated = await client.RefreshAsync(user.Tokens.RefreshToken);
        using var reused = await client.RefreshAsync(user.Tokens.RefreshToken);
        Assert.Equal(HttpStatusCode.Unauthorized, await client.GetMeStatusAsync(user.Tokens.AccessToken[..^4] + "AAAA"));
        using var logout = await client.PostAsJsonAsync("/api/v1/auth/logout", new { refreshToken = user.Tokens.RefreshToken });

        var logs = string.Join('\n', capture.Lines.Select(l => l.Everything));
        Assert.True(capture.Lines.Count > 20, "the capture saw too little to mean anything");
        var hash = Convert.ToHexString(LearnStream.Api.Features.Auth.SessionService.HashToken(user.Tokens.RefreshToken));
        foreach (var secret in new[]
        {
            user.Password, "Wrong-But-Secret-Guess-77", user.Tokens.RefreshToken, user.Tokens.AccessToken,
            user.Tokens.AccessToken.Split('.')[2], hash, Convert.ToBase64String(Convert.FromHexString(hash)),
            TestApi.Password[..12],
        })
        {
            Assert.DoesNotContain(secret, logs, StringComparison.OrdinalIgnoreCase);
        }
    }
}
