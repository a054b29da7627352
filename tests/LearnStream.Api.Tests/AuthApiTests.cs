using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearnStream.Api.Data;
using LearnStream.Api.Features.Auth;
using LearnStream.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LearnStream.Api.Tests;

/// <summary>Register, login, refresh and logout: the contract of API.md, run once per store.</summary>
public abstract class AuthApiTests(StoreFixture fixture)
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    [Fact]
    public async Task Register_creates_a_student_and_ignores_a_requested_role()
    {
        var email = TestApi.NewEmail();
        using var response = await _client.PostAsJsonAsync("/api/v1/auth/register",
            new { name = "Ada", email, password = TestApi.Password, role = "admin" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(Guid.TryParse(body.GetProperty("id").GetString(), out _));
        Assert.Equal("Ada", body.GetProperty("name").GetString());
        Assert.Equal(email, body.GetProperty("email").GetString());
        Assert.Equal("student", body.GetProperty("role").GetString());

        var tokens = await _client.LoginOkAsync(email);
        using var me = await _client.SendAsync(TestApi.Bearer(HttpMethod.Get, "/api/v1/me", tokens.AccessToken));
        Assert.Equal("student", (await me.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("role").GetString());
    }

    [Fact]
    public async Task Register_with_a_taken_email_in_any_case_is_409()
    {
        var email = TestApi.NewEmail();
        (await _client.RegisterAsync(email)).EnsureSuccessStatusCode();

        using var again = await _client.RegisterAsync(email.ToUpperInvariant());

        await again.ProblemAsync(HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("short1!", "password")]
    [InlineData("password123", "password")]
    [InlineData("Qwertyuiop", "password")]
    [InlineData("        ", "password")]
    public async Task Register_refuses_weak_passwords_with_a_field_error(string password, string field)
    {
        using var response = await _client.RegisterAsync(TestApi.NewEmail(), password);

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.ErrorsFor(field));
    }

    [Fact]
    public async Task Register_accepts_a_long_unicode_password_and_login_needs_all_of_it()
    {
        var email = TestApi.NewEmail();
        var password = string.Concat(Enumerable.Repeat("ĉevalo-🐎-", 20)); // 200 code points
        (await _client.RegisterAsync(email, password)).EnsureSuccessStatusCode();

        using var truncated = await _client.LoginAsync(email, password[..^1]);
        Assert.Equal(HttpStatusCode.Unauthorized, truncated.StatusCode);
        await _client.LoginOkAsync(email, password);
    }

    [Fact]
    public async Task Register_reports_each_missing_or_invalid_field()
    {
        using var response = await _client.PostAsJsonAsync("/api/v1/auth/register",
            new { name = new string('n', 101), email = "not-an-email" });

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.ErrorsFor("name"));
        Assert.NotEmpty(problem.ErrorsFor("email"));
        Assert.NotEmpty(problem.ErrorsFor("password"));
    }

    [Theory]
    [InlineData("{\"name\": \"x\", \"email\": ")]
    [InlineData("{\"name\": 5, \"email\": \"a@b.c\", \"password\": \"x-long-password\"}")]
    [InlineData("[1, 2, 3]")]
    [InlineData("null")]
    public async Task Register_with_a_malformed_body_is_400_not_500(string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync("/api/v1/auth/register", content);

        await response.ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Login_returns_a_bearer_pair_with_lifetimes()
    {
        var user = await _client.NewUserAsync();
        using var response = await _client.LoginAsync(user.Email.ToUpperInvariant());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore, "token responses must not be cached");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Bearer", body.GetProperty("tokenType").GetString());
        var expiresIn = body.GetProperty("expiresIn").GetInt32();
        Assert.InRange(expiresIn, 60, 900);
        Assert.True(body.GetProperty("refreshToken").GetString()!.Length >= 43, "refresh token carries at least 256 bits");
        var refreshExpires = body.GetProperty("refreshTokenExpiresAt").GetDateTimeOffset();
        Assert.True(refreshExpires > DateTimeOffset.UtcNow.AddDays(1));
        Assert.EndsWith("Z", body.GetProperty("refreshTokenExpiresAt").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_email_and_wrong_password_get_the_same_answer()
    {
        var user = await _client.NewUserAsync();

        using var wrongPassword = await _client.LoginAsync(user.Email, "Not-The-Password-123");
        using var unknownEmail = await _client.LoginAsync(TestApi.NewEmail(), "Not-The-Password-123");

        var a = await wrongPassword.ProblemAsync(HttpStatusCode.Unauthorized);
        var b = await unknownEmail.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(a.GetProperty("title").GetString(), b.GetProperty("title").GetString());
        Assert.Equal(a.GetProperty("detail").GetString(), b.GetProperty("detail").GetString());
        Assert.Equal(a.GetProperty("type").GetString(), b.GetProperty("type").GetString());
        Assert.Equal(wrongPassword.Headers.WwwAuthenticate.ToString(), unknownEmail.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Login_with_missing_fields_is_400()
    {
        using var response = await _client.PostAsJsonAsync("/api/v1/auth/login", new { email = "a@b.c" });

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.ErrorsFor("password"));
    }

    [Fact]
    public async Task Login_with_an_old_cost_hash_upgrades_it()
    {
        var user = await _client.NewUserAsync();
        var id = Guid.Parse(user.Id);
        await using (var scope = fixture.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LearnStreamDbContext>();
            var weak = new PasswordHasher(10_000).Hash(user.Password);
            await db.Users.Where(u => u.Id == id).ExecuteUpdateAsync(s => s.SetProperty(u => u.PasswordHash, weak));
        }

        await _client.LoginOkAsync(user.Email);

        await using (var scope = fixture.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LearnStreamDbContext>();
            var stored = await db.Users.Where(u => u.Id == id).Select(u => u.PasswordHash).SingleAsync();
            Assert.StartsWith($"$pbkdf2-sha512$i={PasswordHasher.MinimumIterations}$", stored, StringComparison.Ordinal);
        }
        await _client.LoginOkAsync(user.Email);
    }

    [Fact]
    public async Task Refresh_returns_a_new_pair_and_spends_the_old_token()
    {
        var user = await _client.NewUserAsync();

        using var first = await _client.RefreshAsync(user.Tokens.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.True(first.Headers.CacheControl?.NoStore, "token responses must not be cached");
        var pair = (await first.Content.ReadFromJsonAsync<TokenResponse>(TestApi.Json))!;
        Assert.NotEqual(user.Tokens.RefreshToken, pair.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, await _client.GetMeStatusAsync(pair.AccessToken));

        using var next = await _client.RefreshAsync(pair.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-token")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Refresh_with_an_unknown_or_empty_token_is_refused(string token)
    {
        using var response = await _client.RefreshAsync(token);

        Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest, $"got {response.StatusCode}");
        await response.ProblemAsync(response.StatusCode);
    }

    [Fact]
    public async Task Logout_with_an_unknown_token_is_204_and_changes_nothing()
    {
        var user = await _client.NewUserAsync();

        using var response = await _client.PostAsJsonAsync("/api/v1/auth/logout", new { refreshToken = "unknown-token-value" });

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await _client.GetMeStatusAsync(user.Tokens.AccessToken));
    }

    [Fact]
    public async Task Logout_all_needs_a_bearer_token()
    {
        using var response = await _client.PostAsync("/api/v1/auth/logout-all", null);

        await response.ProblemAsync(HttpStatusCode.Unauthorized);
    }
}

public sealed class AuthApiTests_Sqlite(SqliteFixture fixture) : AuthApiTests(fixture), IClassFixture<SqliteFixture>;

public sealed class AuthApiTests_Postgres(PostgresRedisFixture fixture) : AuthApiTests(fixture), IClassFixture<PostgresRedisFixture>;
