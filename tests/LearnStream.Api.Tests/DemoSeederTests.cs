using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using LearnStream.Api.Features.Catalog;
using LearnStream.Api.Tests.Infrastructure;

namespace LearnStream.Api.Tests;

/// <summary>A stack seeded twice with the demo catalog before any test runs; both outputs are kept.</summary>
public abstract class DemoCatalogFixture(StoreFixture stack) : IAsyncLifetime
{
    public StoreFixture Stack => stack;
    public string FirstRun { get; private set; } = "";
    public string SecondRun { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        await stack.InitializeAsync();
        FirstRun = await SeedAsync();
        SecondRun = await SeedAsync();
    }

    public async Task<string> SeedAsync()
    {
        using var output = new StringWriter();
        Assert.Equal(0, await stack.App.Services.SeedDemoAsync(output, CancellationToken.None));
        return output.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await stack.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteDemoCatalogFixture() : DemoCatalogFixture(new SqliteFixture());

public sealed class PostgresDemoCatalogFixture() : DemoCatalogFixture(new PostgresRedisFixture());

/// <summary>seed-demo, checked through HTTP: published courses anyone can browse, and accounts that log in.</summary>
public abstract partial class DemoSeederTests(DemoCatalogFixture fixture)
{
    private readonly HttpClient _client = fixture.Stack.App.CreateClient();

    [GeneratedRegex(@"^\s*(instructor|student)\s+(\S+@\S+)\s+password: (\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex AccountLine();

    private static Dictionary<string, (string Email, string Password)> Accounts(string output) =>
        AccountLine().Matches(output).ToDictionary(m => m.Groups[1].Value, m => (m.Groups[2].Value, m.Groups[3].Value));

    private async Task<JsonElement> GetJsonAsync(string url, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await _client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode} {text}");
        return JsonSerializer.Deserialize<JsonElement>(text, TestApi.Json);
    }

    [Fact]
    public void The_first_run_prints_both_accounts_once_with_distinct_random_passwords()
    {
        var accounts = Accounts(fixture.FirstRun);

        Assert.Contains("shown only now", fixture.FirstRun, StringComparison.Ordinal);
        Assert.Equal(DemoSeeder.InstructorEmail, accounts["instructor"].Email);
        Assert.Equal(DemoSeeder.StudentEmail, accounts["student"].Email);
        Assert.NotEqual(accounts["instructor"].Password, accounts["student"].Password);
        Assert.All(accounts.Values, a => Assert.True(a.Password.Length >= 20));
    }

    [Fact]
    public async Task Anyone_can_browse_three_published_courses_with_sections_and_lessons()
    {
        var page = await GetJsonAsync("/api/v1/courses?page=1&pageSize=20");

        Assert.Equal(3, page.GetProperty("total").GetInt32());
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.All(items, c => Assert.Equal("published", c.GetProperty("status").GetString()));
        Assert.Single(items, c => c.GetProperty("isFree").GetBoolean());
        var prices = items.Where(c => !c.GetProperty("isFree").GetBoolean()).Select(c => c.GetProperty("price")).ToList();
        Assert.Equal(2, prices.Count);
        Assert.All(prices, p => Assert.True(p.GetProperty("amount").GetInt64() > 0));
        Assert.Equal(["EUR", "USD"], prices.Select(p => p.GetProperty("currency").GetString()).Order(StringComparer.Ordinal));

        foreach (var slug in items.Select(c => c.GetProperty("slug").GetString()!))
        {
            var course = await GetJsonAsync($"/api/v1/courses/{slug}");
            Assert.False(string.IsNullOrWhiteSpace(course.GetProperty("descriptionHtml").GetString()));
            Assert.NotEmpty(course.GetProperty("tags").EnumerateArray());
            Assert.Contains(course.GetProperty("level").GetString(), CourseValidation.Levels);
            var sections = course.GetProperty("sections").EnumerateArray().ToList();
            Assert.InRange(sections.Count, 2, 3);
            Assert.All(sections, s => Assert.InRange(s.GetProperty("lessons").GetArrayLength(), 2, 4));
            var lessons = sections.SelectMany(s => s.GetProperty("lessons").EnumerateArray()).ToList();
            Assert.Equal(["text", "video"], lessons.Select(l => l.GetProperty("kind").GetString()).Distinct().Order(StringComparer.Ordinal));
            Assert.Single(lessons, l => l.GetProperty("isPreview").GetBoolean());
        }
    }

    [Fact]
    public async Task The_printed_passwords_log_in_with_the_instructor_and_student_roles()
    {
        var accounts = Accounts(fixture.FirstRun);

        foreach (var role in new[] { "instructor", "student" })
        {
            var tokens = await _client.LoginOkAsync(accounts[role].Email, accounts[role].Password);
            var me = await GetJsonAsync("/api/v1/me", tokens.AccessToken);
            Assert.Equal(role, me.GetProperty("role").GetString());
        }
    }

    [Fact]
    public async Task The_instructor_owns_the_courses_and_reads_the_markdown_bodies_of_text_lessons()
    {
        var instructor = Accounts(fixture.FirstRun)["instructor"];
        var token = (await _client.LoginOkAsync(instructor.Email, instructor.Password)).AccessToken;
        var me = await GetJsonAsync("/api/v1/me", token);
        var page = await GetJsonAsync("/api/v1/courses");

        foreach (var item in page.GetProperty("items").EnumerateArray())
        {
            Assert.Equal(me.GetProperty("id").GetString(), item.GetProperty("ownerId").GetString());
            var course = await GetJsonAsync($"/api/v1/courses/{item.GetProperty("id").GetString()}");
            var text = course.GetProperty("sections").EnumerateArray().SelectMany(s => s.GetProperty("lessons").EnumerateArray())
                .First(l => l.GetProperty("kind").GetString() == "text");
            var lesson = await GetJsonAsync($"/api/v1/lessons/{text.GetProperty("id").GetString()}", token);
            Assert.StartsWith("# ", lesson.GetProperty("body").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Running_it_again_creates_nothing_and_prints_no_password()
    {
        var third = await fixture.SeedAsync();

        foreach (var output in new[] { fixture.SecondRun, third })
        {
            Assert.Empty(Accounts(output));
            Assert.DoesNotContain("password:", output, StringComparison.Ordinal);
            Assert.Contains("already exists", output, StringComparison.Ordinal);
            Assert.Contains("No course created", output, StringComparison.Ordinal);
            Assert.All(Accounts(fixture.FirstRun).Values, a => Assert.DoesNotContain(a.Password, output, StringComparison.Ordinal));
        }
        var page = await GetJsonAsync("/api/v1/courses");
        Assert.Equal(3, page.GetProperty("total").GetInt32());
    }
}

public sealed class DemoSeederTests_Sqlite(SqliteDemoCatalogFixture fixture) : DemoSeederTests(fixture), IClassFixture<SqliteDemoCatalogFixture>;

public sealed class DemoSeederTests_Postgres(PostgresDemoCatalogFixture fixture) : DemoSeederTests(fixture), IClassFixture<PostgresDemoCatalogFixture>;

/// <summary>The real executable with the seed-demo argument: it seeds and exits instead of serving.</summary>
public sealed class DemoSeederCommandTests
{
    private static async Task<(int ExitCode, string StdOut)> RunSeedDemoAsync(string dataDirectory)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "LearnStream.Api.dll"), DemoSeeder.Command, "--urls", "http://127.0.0.1:0"])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DataDirectory"] = dataDirectory;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("seed-demo kept running instead of exiting; stdout: " + await stdout);
        }
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}; stderr: {await stderr}");
        return (process.ExitCode, await stdout);
    }

    [Fact]
    public async Task Seed_demo_seeds_prints_the_passwords_once_and_exits_without_serving()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("learnstream-seed-").FullName;
        try
        {
            var (_, first) = await RunSeedDemoAsync(dataDirectory);
            var (_, second) = await RunSeedDemoAsync(dataDirectory);

            Assert.Contains("shown only now", first, StringComparison.Ordinal);
            Assert.Equal(2, Regex.Count(first, "password: "));
            Assert.Contains("practical-git-for-everyday-work", first, StringComparison.Ordinal);
            Assert.DoesNotContain("password: ", second, StringComparison.Ordinal);
            Assert.Contains("No course created", second, StringComparison.Ordinal);
            Assert.DoesNotContain("listens on", first + second, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}
