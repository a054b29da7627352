using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearnStream.Api.Tests.Infrastructure;

namespace LearnStream.Api.Tests;

/// <summary>GET/PATCH /me and the admin user routes, including access by the wrong user.</summary>
public abstract class UsersApiTests(StoreFixture fixture)
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    private async Task<JsonElement> MeAsync(string token)
    {
        using var response = await _client.SendAsync(TestApi.Bearer(HttpMethod.Get, "/api/v1/me", token));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Me_returns_the_callers_profile()
    {
        var user = await _client.NewUserAsync();

        var me = await MeAsync(user.Tokens.AccessToken);

        Assert.Equal(user.Id, me.GetProperty("id").GetString());
        Assert.Equal(user.Email, me.GetProperty("email").GetString());
        Assert.Equal("student", me.GetProperty("role").GetString());
        Assert.True(me.GetProperty("createdAt").GetDateTimeOffset() <= DateTimeOffset.UtcNow);
        Assert.False(me.TryGetProperty("passwordHash", out _));
    }

    [Fact]
    public async Task Me_without_a_token_is_401_problem()
    {
        using var response = await _client.GetAsync("/api/v1/me");

        await response.ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Patch_me_renames_without_a_password()
    {
        var user = await _client.NewUserAsync();

        using var response = await _client.SendAsync(TestApi.Bearer(HttpMethod.Patch, "/api/v1/me", user.Tokens.AccessToken, new { name = "  Grace Hopper " }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Grace Hopper", (await MeAsync(user.Tokens.AccessToken)).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Patch_me_email_needs_the_correct_current_password()
    {
        var user = await _client.NewUserAsync();
        var newEmail = TestApi.NewEmail("moved");

        using var missing = await _client.SendAsync(TestApi.Bearer(HttpMethod.Patch, "/api/v1/me", user.Tokens.AccessToken, new { email = newEmail }));
        using var wrong = await _client.SendAsync(TestApi.Bearer(HttpMethod.Patch, "/api/v1/me", user.Tokens.AccessToken, new { email = newEmail, currentPassword = "Wrong-password-000" }));

        Assert.NotEmpty((await missing.ProblemAsync(HttpStatusCode.BadRequest)).ErrorsFor("currentPassword"));
        Assert.NotEmpty((await wrong.ProblemAsync(HttpStatusCode.BadRequest)).ErrorsFor("currentPassword"));
        Assert.Equal(user.Email, (await MeAsync(user.Tokens.AccessToken)).GetProperty("email").GetString());

        using var ok = await _client.SendAsync(TestApi.Bearer(HttpMethod.Patch, "/api/v1/me", user.Tokens.AccessToken, new { email = newEmail, currentPassword = user.Password }));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        await _client.LoginOkAsync(newEmail);
    }

    [Fact]
    public async Task Patch_me_to_an_email_taken_in_another_case_is_409()
    {
        var user = await _client.NewUserAsync();
        var other = await _client.NewUserAsync();

        using var response = await _client.SendAsync(TestApi.Bearer(HttpMethod.Patch, "/api/v1/me", user.Tokens.AccessToken,
            new { email = other.Email.ToUpperInvariant(), currentPassword = user.Password }));

        await response.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(user.Email, (await MeAsync(user.Tokens.AccessToken)).GetProperty("email").GetString());
    }

    [Theory]
    [InlineData("{\"name\": \"\"}", "name")]
    [InlineData("{\"email\": \"not-an-email\", \"currentPassword\": \"x\"}", "email")]
    [InlineData("{\"newPassword\": \"password\", \"currentPassword\": \"a-Long-and-Unusual-passphrase-9\"}", "newPassword")]
    public async Task Patch_me_with_invalid_fields_is_400_and_changes_nothing(string json, string field)
    {
        var user = await _client.NewUserAsync();
        var request = TestApi.Bearer(HttpMethod.Patch, "/api/v1/me", user.Tokens.AccessToken);
        request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");

        using var response = await _client.SendAsync(request);

        Assert.NotEmpty((await response.ProblemAsync(HttpStatusCode.BadRequest)).ErrorsFor(field));
        var me = await MeAsync(user.Tokens.AccessToken);
        Assert.Equal("Test User", me.GetProperty("name").GetString());
        Assert.Equal(user.Email, me.GetProperty("email").GetString());
        await _client.LoginOkAsync(user.Email);
    }

    [Fact]
    public async Task Admin_lists_users_with_search_role_filter_and_paging()
    {
        var admin = await _client.LoginAdminAsync();
        var marker = Guid.NewGuid().ToString("N")[..10];
        for (var i = 0; i < 3; i++)
        {
            (await _client.RegisterAsync($"{marker}-{i}@example.test")).EnsureSuccessStatusCode();
        }

        using var page1 = await _client.SendAsync(TestApi.Bearer(HttpMethod.Get, $"/api/v1/admin/users?search={marker.ToUpperInvariant()}&role=student&page=1&pageSize=2", admin.AccessToken));
        using var page2 = await _client.SendAsync(TestApi.Bearer(HttpMethod.Get, $"/api/v1/admin/users?search={marker}&page=2&pageSize=2", admin.AccessToken));
        using var admins = await _client.SendAsync(TestApi.Bearer(HttpMethod.Get, "/api/v1/admin/users?role=admin", admin.AccessToken));

        var first = await page1.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(3, first.GetProperty("total").GetInt32());
        Assert.Equal(1, first.GetProperty("page").GetInt32());
        Assert.Equal(2, first.GetProperty("pageSize").GetInt32());
        Assert.Equal(2, first.GetProperty("items").GetArrayLength());
        var second = await page2.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Single(second.GetProperty("items").EnumerateArray());
        var emails = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray())
            .Select(u => u.GetProperty("email").GetString()).ToHashSet();
        Assert.Equal(3, emails.Count);
        var adminItems = (await admins.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(adminItems, u => u.GetProperty("email").GetString() == StoreFixture.AdminEmail);
        Assert.All(adminItems, u => Assert.Equal("admin", u.GetProperty("role").GetString()));
    }

    [Theory]
    [InlineData("?pageSize=101", "pageSize")]
    [InlineData("?page=0", "page")]
    [InlineData("?role=superuser", "role")]
    public async Task Admin_list_with_bad_query_is_400(string query, string field)
    {
        var admin = await _client.LoginAdminAsync();

        using var response = await _client.SendAsync(TestApi.Bearer(HttpMethod.Get, "/api/v1/admin/users" + query, admin.AccessToken));

        Assert.NotEmpty((await response.ProblemAsync(HttpStatusCode.BadRequest)).ErrorsFor(field));
    }

    [Fact]
    public async Task Admin_list_with_a_non_numeric_page_is_400()
    {
        var admin = await _client.LoginAdminAsync();

        using var response = await _client.SendAsync(TestApi.Bearer(HttpMethod.Get, "/api/v1/admin/users?page=abc", admin.AccessToken));

        await response.ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Admin_routes_refuse_students_instructors_and_anonymous_callers()
    {
        var student = await _client.NewUserAsync();
        var instructor = await _client.NewUserWithRoleAsync("instructor");
        var target = await _client.NewUserAsync();

        foreach (var token in new[] { student.Tokens.AccessToken, instructor.Tokens.AccessToken })
        {
            using var list = await _client.SendAsync(TestApi.Bearer(HttpMethod.Get, "/api/v1/admin/users", token));
            await list.ProblemAsync(HttpStatusCode.Forbidden);
            using var patch = await _client.SendAsync(TestApi.Bearer(HttpMethod.Patch, $"/api/v1/admin/users/{target.Id}", token, new { role = "admin" }));
            await patch.ProblemAsync(HttpStatusCode.Forbidden);
        }
        using var anonymous = await _client.PatchAsJsonAsync($"/api/v1/admin/users/{target.Id}", new { role = "admin" });
        await anonymous.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("student", (await MeAsync(target.Tokens.AccessToken)).GetProperty("role").GetString());
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    public async Task Admin_patch_of_an_unknown_or_malformed_id_is_404(string id)
    {
        var admin = await _client.LoginAdminAsync();

        using var response = await _client.SendAsync(TestApi.Bearer(HttpMethod.Patch, $"/api/v1/admin/users/{id}", admin.AccessToken, new { disabled = true }));

        await response.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Admin_patch_with_an_unknown_role_is_400_and_changes_nothing()
    {
        var admin = await _client.LoginAdminAsync();
        var user = await _client.NewUserAsync();

        using var response = await _client.SendAsync(TestApi.Bearer(HttpMethod.Patch, $"/api/v1/admin/users/{user.Id}", admin.AccessToken, new { role = "root" }));

        Assert.NotEmpty((await response.ProblemAsync(HttpStatusCode.BadRequest)).ErrorsFor("role"));
        Assert.Equal(HttpStatusCode.OK, await _client.GetMeStatusAsync(user.Tokens.AccessToken));
    }

    [Fact]
    public async Task Admin_cannot_demote_or_disable_themselves()
    {
        var admin = await _client.LoginAdminAsync();
        var adminId = (await MeAsync(admin.AccessToken)).GetProperty("id").GetString();

        using var demote = await _client.SendAsync(TestApi.Bearer(HttpMethod.Patch, $"/api/v1/admin/users/{adminId}", admin.AccessToken, new { role = "student" }));
        using var disable = await _client.SendAsync(TestApi.Bearer(HttpMethod.Patch, $"/api/v1/admin/users/{adminId}", admin.AccessToken, new { disabled = true }));

        await demote.ProblemAsync(HttpStatusCode.Conflict);
        await disable.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("admin", (await MeAsync(admin.AccessToken)).GetProperty("role").GetString());
    }
}

public sealed class UsersApiTests_Sqlite(SqliteFixture fixture) : UsersApiTests(fixture), IClassFixture<SqliteFixture>;

public sealed class UsersApiTests_Postgres(PostgresRedisFixture fixture) : UsersApiTests(fixture), IClassFixture<PostgresRedisFixture>;
