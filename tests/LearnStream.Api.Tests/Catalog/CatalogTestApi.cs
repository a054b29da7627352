using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LearnStream.Api.Tests.Infrastructure;

namespace LearnStream.Api.Tests.Catalog;

/// <summary>A published course with one section and one non-preview text lesson, and its owner.</summary>
public sealed record PublishedCourse(TestUser Owner, string Id, string SectionId, string LessonId);

/// <summary>Client-side catalog steps the catalog tests repeat, all through HTTP.</summary>
public static class CatalogTestApi
{
    public const string Courses = "/api/v1/courses";

    public const string SlugPattern = "^[a-z0-9]+(-[a-z0-9]+)*$";

    /// <summary>Request bodies leave out null members, so an optional field left null is absent.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>A unique word (lowercase letters and digits) for titles, tags and searches.</summary>
    public static string Marker() => "m" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>A request as the holder of <paramref name="token"/>, or anonymous when it is null.</summary>
    public static HttpRequestMessage Request(HttpMethod method, string url, string? token, object? body = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }
        return request;
    }

    /// <summary>A request whose body is the given text, sent as application/json whatever it holds.</summary>
    public static HttpRequestMessage RawJson(HttpMethod method, string url, string? token, string json)
    {
        var request = Request(method, url, token);
        request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return request;
    }

    public static Task<HttpResponseMessage> SendAsync(this HttpClient client, HttpMethod method, string url, string? token, object? body = null) =>
        client.SendAsync(Request(method, url, token, body));

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<JsonElement>(text, TestApi.Json);
    }

    /// <summary>The ETag header as sent (quotes included); fails when it is missing.</summary>
    public static string ETag(this HttpResponseMessage response)
    {
        Assert.True(response.Headers.TryGetValues("ETag", out var values), "No ETag header.");
        var etag = Assert.Single(values);
        Assert.False(string.IsNullOrWhiteSpace(etag));
        return etag;
    }

    public static async Task<JsonElement> CreateCourseAsync(this HttpClient client, string token, object body)
    {
        using var response = await client.SendAsync(HttpMethod.Post, Courses, token, body);
        return await response.JsonAsync(HttpStatusCode.Created);
    }

    public static Task<JsonElement> CreateCourseAsync(this HttpClient client, string token, string title,
        string[]? tags = null, string? level = null) =>
        client.CreateCourseAsync(token, new { title, tags = tags ?? [], level });

    public static async Task<HttpStatusCode> GetCourseStatusAsync(this HttpClient client, string? token, string idOrSlug)
    {
        using var response = await client.SendAsync(HttpMethod.Get, $"{Courses}/{idOrSlug}", token);
        return response.StatusCode;
    }

    public static async Task<JsonElement> GetCourseAsync(this HttpClient client, string? token, string idOrSlug)
    {
        using var response = await client.SendAsync(HttpMethod.Get, $"{Courses}/{idOrSlug}", token);
        return await response.JsonAsync(HttpStatusCode.OK);
    }

    /// <summary>The course as its owner sees it, as raw JSON, to compare before and after a refused call.</summary>
    public static async Task<string> SnapshotAsync(this HttpClient client, string ownerToken, string courseId) =>
        (await client.GetCourseAsync(ownerToken, courseId)).GetRawText();

    public static async Task<JsonElement> AddSectionAsync(this HttpClient client, string token, string courseId, string title = "Section")
    {
        using var response = await client.SendAsync(HttpMethod.Post, $"{Courses}/{courseId}/sections", token, new { title });
        return await response.JsonAsync(HttpStatusCode.Created);
    }

    public static async Task<JsonElement> AddLessonAsync(this HttpClient client, string token, string courseId, string sectionId,
        string title = "Lesson", string kind = "text", string? body = "Lesson body text", bool isPreview = false, string? description = null)
    {
        using var response = await client.SendAsync(HttpMethod.Post, $"{Courses}/{courseId}/lessons", token,
            new { sectionId, title, kind, description, body, isPreview });
        return await response.JsonAsync(HttpStatusCode.Created);
    }

    public static async Task<JsonElement> PublishAsync(this HttpClient client, string token, string courseId)
    {
        using var response = await client.SendAsync(HttpMethod.Post, $"{Courses}/{courseId}/publish", token);
        return await response.JsonAsync(HttpStatusCode.OK);
    }

    /// <summary>A new instructor's course with a section and a lesson, published.</summary>
    public static async Task<PublishedCourse> PublishedCourseAsync(this HttpClient client, string? title = null, bool publish = true)
    {
        var owner = await client.NewUserWithRoleAsync("instructor");
        var token = owner.Tokens.AccessToken;
        var course = await client.CreateCourseAsync(token, title ?? $"Course {Marker()}");
        var id = course.Str("id");
        var section = await client.AddSectionAsync(token, id);
        var lesson = await client.AddLessonAsync(token, id, section.Str("id"));
        if (publish)
        {
            await client.PublishAsync(token, id);
        }
        return new PublishedCourse(owner, id, section.Str("id"), lesson.Str("id"));
    }

    public static async Task<JsonElement> ListAsync(this HttpClient client, string? token, string query)
    {
        using var response = await client.SendAsync(HttpMethod.Get, $"{Courses}?{query}", token);
        return await response.JsonAsync(HttpStatusCode.OK);
    }

    /// <summary>The ids of a page's items, in order.</summary>
    public static async Task<List<string>> ListIdsAsync(this HttpClient client, string? token, string query) =>
        [.. (await client.ListAsync(token, query)).GetProperty("items").EnumerateArray().Select(c => c.Str("id"))];

    public static string Str(this JsonElement element, string property) => element.GetProperty(property).GetString()!;

    public static List<string> Strings(this JsonElement element, string property) =>
        [.. element.GetProperty(property).EnumerateArray().Select(v => v.GetString()!)];

    /// <summary>Every lesson of a course's outline, in order.</summary>
    public static List<JsonElement> OutlineLessons(this JsonElement course) =>
        [.. course.GetProperty("sections").EnumerateArray().SelectMany(s => s.GetProperty("lessons").EnumerateArray())];

    /// <summary>Asserts a 400 problem with messages under a key that starts with <paramref name="prefix"/> (any case).</summary>
    public static async Task AssertValidationAsync(this HttpResponseMessage response, string prefix)
    {
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.TryGetProperty("errors", out var errors), $"No errors in {problem.GetRawText()}");
        Assert.True(
            errors.EnumerateObject().Any(e => e.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && e.Value.GetArrayLength() > 0),
            $"No errors for '{prefix}' in {errors.GetRawText()}");
    }
}
