using System.Diagnostics;
using LearnStream.Api.Features.Progress;
using LearnStream.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LearnStream.Api.Tests.Progress;

/// <summary>The Redis the tests start keeps no append-only file (scripts/services.sh): a node on it says so once at start.</summary>
public sealed class RedisPersistenceCheckTests
{
    [Fact]
    public async Task A_node_on_a_Redis_without_an_append_only_file_says_so_once()
    {
        var capture = new LogCapture();
        await using var fixture = new PostgresRedisFixture();
        fixture.Overrides[$"Logging:LogLevel:{typeof(RedisPersistenceCheck).FullName}"] = "Information";
        fixture.Services = services => services.AddSingleton<ILoggerProvider>(capture);
        await fixture.InitializeAsync();

        var category = typeof(RedisPersistenceCheck).FullName;
        var clock = Stopwatch.StartNew();
        while (!capture.Lines.Any(l => l.Category == category) && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
        }

        var line = Assert.Single(capture.Lines, l => l.Category == category);
        Assert.Contains("no append-only file", line.Message);
        Assert.Contains("appendonly yes", line.Message);
        Assert.Equal(LogLevel.Information, line.Level); // a warning in Production only; the fixture runs as Testing
    }
}
