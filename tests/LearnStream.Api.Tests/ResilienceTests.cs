using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearnStream.Api.Tests.Enrollment;
using LearnStream.Api.Tests.Infrastructure;
using LearnStream.Api.Tests.Progress;

namespace LearnStream.Api.Tests;

/// <summary>Overload and outages give clear answers, never a 500.</summary>
public sealed class ResilienceTests
{
    [Fact]
    public async Task Password_hashing_beyond_the_cap_and_queue_is_503_with_retry_after()
    {
        await using var fixture = new SqliteFixture();
        fixture.Overrides["Auth:Passwords:MaxConcurrentHashes"] = "1";
        fixture.Overrides["Auth:Passwords:QueueLimit"] = "0";
        await fixture.InitializeAsync();
        var client = fixture.App.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => client.RegisterAsync(TestApi.NewEmail())));

        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.Created);
        var busy = responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.NotEmpty(busy);
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable, $"got {r.StatusCode}"));
        Assert.All(busy, r => Assert.Equal(TimeSpan.FromSeconds(1), r.Headers.RetryAfter?.Delta));
        await busy[0].ProblemAsync(HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task Service_starts_and_logs_in_without_redis_but_is_not_ready()
    {
        await using var fixture = new PostgresRedisFixture();
        fixture.Overrides["ConnectionStrings:Redis"] = "127.0.0.1:1,connectTimeout=200,syncTimeout=300,asyncTimeout=300";
        await fixture.InitializeAsync();
        var client = fixture.App.CreateClient();

        using var ready = await client.GetAsync("/health/ready");
        var user = await client.NewUserAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var checks = (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks");
        Assert.Equal("Unhealthy", checks.GetProperty("redis").GetString());
        Assert.Equal("Healthy", checks.GetProperty("database").GetString());
        Assert.Equal(HttpStatusCode.OK, await client.GetMeStatusAsync(user.Tokens.AccessToken));
        using var logout = await client.SendAsync(TestApi.Bearer(HttpMethod.Post, "/api/v1/auth/logout-all", user.Tokens.AccessToken));
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await client.GetMeStatusAsync(user.Tokens.AccessToken));
    }

    [Fact]
    public async Task Without_redis_a_beat_is_503_with_retry_after_and_my_progress_still_reads_from_the_store()
    {
        await using var fixture = new PostgresRedisFixture();
        fixture.Overrides["ConnectionStrings:Redis"] = "127.0.0.1:1,connectTimeout=200,syncTimeout=300,asyncTimeout=300";
        await fixture.InitializeAsync();
        var client = fixture.App.CreateClient();
        var course = await fixture.ProgressCourseAsync(client);
        var learner = await client.NewUserAsync();
        await client.EnrollOkAsync(learner.Tokens.AccessToken, course.Id);

        using var beat = await client.SendBeatAsync(learner.Tokens.AccessToken, course.Video, ProgressTestApi.Beat("s", 1, 10, [[0, 10]]));
        var progress = await client.GetCourseProgressAsync(learner.Tokens.AccessToken, course.Id);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, beat.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), beat.Headers.RetryAfter?.Delta);
        await beat.ProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(0, progress.LessonEntry(course.Video).Num("percent"));
    }
}
