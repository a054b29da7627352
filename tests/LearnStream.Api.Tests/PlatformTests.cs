using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LearnStream.Api.Data;
using LearnStream.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace LearnStream.Api.Tests;

/// <summary>Problem details for every error class, health, OpenAPI and docs.</summary>
public abstract class PlatformTests(StoreFixture fixture)
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    protected abstract string ExpectedProvider { get; }

    protected abstract bool ExpectsRedis { get; }

    [Fact]
    public void Runs_on_the_stores_the_fixture_configured()
    {
        using var scope = fixture.App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LearnStreamDbContext>();

        Assert.Contains(ExpectedProvider, db.Database.ProviderName, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(ExpectsRedis, fixture.App.Services.GetService<IConnectionMultiplexer>() is not null);
    }

    [Fact]
    public async Task Ready_reports_each_configured_store()
    {
        using var live = await _client.GetAsync("/health/live");
        using var ready = await _client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var checks = (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("database").GetString());
        Assert.Equal(ExpectsRedis, checks.TryGetProperty("redis", out _));
    }

    [Fact]
    public async Task Unknown_route_is_a_404_problem()
    {
        using var response = await _client.GetAsync("/api/v1/no-such-thing");

        await response.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Wrong_method_is_a_405_problem()
    {
        using var response = await _client.DeleteAsync("/api/v1/auth/login");

        await response.ProblemAsync(HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task Oversized_body_is_a_413_problem()
    {
        using var content = new StringContent($"{{\"name\": \"{new string('x', 300_000)}\"}}", Encoding.UTF8, "application/json");

        using var response = await _client.PostAsync("/api/v1/auth/register", content);

        await response.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Non_json_body_is_a_415_problem()
    {
        using var content = new StringContent("email=a@b.c&password=x", Encoding.UTF8, "application/x-www-form-urlencoded");

        using var response = await _client.PostAsync("/api/v1/auth/login", content);

        await response.ProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Openapi_document_describes_the_auth_routes()
    {
        using var response = await _client.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paths");
        foreach (var path in new[] { "/api/v1/auth/register", "/api/v1/auth/login", "/api/v1/auth/refresh", "/api/v1/me", "/api/v1/admin/users/{id}" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is not documented");
        }
    }

    [Fact]
    public async Task Openapi_document_describes_the_beat_body_and_answer_although_the_route_binds_and_writes_them_itself()
    {
        using var response = await _client.GetAsync("/openapi/v1.json");

        var document = await response.Content.ReadFromJsonAsync<JsonElement>();
        var body = document.GetProperty("paths").GetProperty("/api/v1/lessons/{id}/progress").GetProperty("post").GetProperty("requestBody");
        var schema = body.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString();
        Assert.Equal("#/components/schemas/BeatRequest", schema);
        var properties = document.GetProperty("components").GetProperty("schemas").GetProperty("BeatRequest").GetProperty("properties");
        Assert.Equal(["sessionId", "sequence", "position", "watched", "event"], properties.EnumerateObject().Select(p => p.Name));
        // The answer is written by the route's own result, and documented as the framework's 202 result would be.
        var accepted = document.GetProperty("paths").GetProperty("/api/v1/lessons/{id}/progress").GetProperty("post").GetProperty("responses").GetProperty("202");
        Assert.Equal("#/components/schemas/LessonProgressResponse",
            accepted.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
    }

    [Fact]
    public async Task Docs_page_serves_the_interactive_reference()
    {
        using var response = await _client.GetAsync("/docs/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("openapi/v1.json", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_tokens_are_stored_only_as_hashes()
    {
        var user = await _client.NewUserAsync();

        await using var scope = fixture.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LearnStreamDbContext>();
        var expected = LearnStream.Api.Features.Auth.SessionService.HashToken(user.Tokens.RefreshToken);
        var stored = await db.RefreshTokens.AsNoTracking().Where(t => t.TokenHash == expected).CountAsync();
        Assert.Equal(1, stored);
        var raw = Encoding.UTF8.GetBytes(user.Tokens.RefreshToken);
        Assert.Equal(0, await db.RefreshTokens.AsNoTracking().CountAsync(t => t.TokenHash == raw));
    }
}

public sealed class PlatformTests_Sqlite(SqliteFixture fixture) : PlatformTests(fixture), IClassFixture<SqliteFixture>
{
    protected override string ExpectedProvider => "Sqlite";

    protected override bool ExpectsRedis => false;
}

public sealed class PlatformTests_Postgres(PostgresRedisFixture fixture) : PlatformTests(fixture), IClassFixture<PostgresRedisFixture>
{
    protected override string ExpectedProvider => "Npgsql";

    protected override bool ExpectsRedis => true;
}
