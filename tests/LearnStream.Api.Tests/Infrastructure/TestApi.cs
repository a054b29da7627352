using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LearnStream.Api.Features.Auth;

namespace LearnStream.Api.Tests.Infrastructure;

public sealed record TestUser(string Id, string Email, string Password, TokenResponse Tokens);

/// <summary>Client-side steps the tests repeat, all through HTTP.</summary>
public static class TestApi
{
    public const string Password = "a-Long-and-Unusual-passphrase-9";

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    public static string NewEmail(string prefix = "user") => $"{prefix}-{Guid.NewGuid():N}@example.test";

    public static async Task<HttpResponseMessage> RegisterAsync(this HttpClient client, string email, string password = Password, string name = "Test User") =>
        await client.PostAsJsonAsync("/api/v1/auth/register", new { name, email, password });

    public static async Task<HttpResponseMessage> LoginAsync(this HttpClient client, string email, string password = Password) =>
        await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password });

    public static async Task<HttpResponseMessage> RefreshAsync(this HttpClient client, string refreshToken) =>
        await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken });

    public static async Task<TokenResponse> LoginOkAsync(this HttpClient client, string email, string password = Password)
    {
        using var response = await client.LoginAsync(email, password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<TokenResponse>(Json))!;
    }

    /// <summary>Registers a new student and logs in.</summary>
    public static async Task<TestUser> NewUserAsync(this HttpClient client, string? email = null)
    {
        email ??= NewEmail();
        using var registered = await client.RegisterAsync(email);
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var body = await registered.Content.ReadFromJsonAsync<JsonElement>(Json);
        return new TestUser(body.GetProperty("id").GetString()!, email, Password, await client.LoginOkAsync(email));
    }

    public static Task<TokenResponse> LoginAdminAsync(this HttpClient client) =>
        client.LoginOkAsync(StoreFixture.AdminEmail, StoreFixture.AdminPassword);

    /// <summary>Registers a user and has the admin give them a role; returns a fresh login with that role.</summary>
    public static async Task<TestUser> NewUserWithRoleAsync(this HttpClient client, string role)
    {
        var user = await client.NewUserAsync();
        var admin = await client.LoginAdminAsync();
        using var changed = await client.SendAsync(Bearer(HttpMethod.Patch, $"/api/v1/admin/users/{user.Id}", admin.AccessToken, new { role }));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        return user with { Tokens = await client.LoginOkAsync(user.Email) };
    }

    public static HttpRequestMessage Bearer(HttpMethod method, string url, string accessToken, object? body = null)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }
        return request;
    }

    public static async Task<HttpStatusCode> GetMeStatusAsync(this HttpClient client, string accessToken)
    {
        using var response = await client.SendAsync(Bearer(HttpMethod.Get, "/api/v1/me", accessToken));
        return response.StatusCode;
    }

    /// <summary>Reads a problem body and checks it is RFC 9457 shaped.</summary>
    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Json);
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("type").GetString()));
        return problem;
    }

    public static string[] ErrorsFor(this JsonElement problem, string field) =>
        problem.GetProperty("errors").TryGetProperty(field, out var messages)
            ? [.. messages.EnumerateArray().Select(m => m.GetString()!)]
            : [];
}
