using System.Globalization;
using System.Net;
using System.Text.Json;
using LearnStream.Api.Tests.Catalog;
using LearnStream.Api.Tests.Infrastructure;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;

namespace LearnStream.Api.Tests.Enrollment;

/// <summary>Client-side enrollment steps the enrollment tests repeat, all through HTTP.</summary>
public static class EnrollmentTestApi
{
    public const string MyEnrollments = "/api/v1/me/enrollments";

    public static string EnrollUrl(string courseId) => $"{Courses}/{courseId}/enroll";

    public static string RosterUrl(string courseId) => $"{Courses}/{courseId}/enrollments";

    public static string AdminEnrollmentsUrl(string courseId) => $"/api/v1/admin/courses/{courseId}/enrollments";

    /// <summary>A time as ISO-8601 UTC with whole seconds, so the server can store and echo it exactly.</summary>
    public static string Iso(DateTimeOffset time) =>
        new DateTimeOffset(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero)
            .ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static Task<HttpResponseMessage> EnrollAsync(this HttpClient client, string? token, string courseId) =>
        client.SendAsync(HttpMethod.Post, EnrollUrl(courseId), token);

    public static async Task<JsonElement> EnrollOkAsync(this HttpClient client, string token, string courseId)
    {
        using var response = await client.EnrollAsync(token, courseId);
        return await response.JsonAsync(HttpStatusCode.Created);
    }

    public static async Task<List<JsonElement>> MyEnrollmentsAsync(this HttpClient client, string token)
    {
        using var response = await client.SendAsync(HttpMethod.Get, MyEnrollments, token);
        var list = await response.JsonAsync(HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Array, list.ValueKind);
        return [.. list.EnumerateArray()];
    }

    /// <summary>The caller's enrollment in one course as GET /me/enrollments lists it, or null when it is not listed.</summary>
    public static async Task<JsonElement?> MyEnrollmentAsync(this HttpClient client, string token, string courseId)
    {
        var matches = (await client.MyEnrollmentsAsync(token)).Where(e => e.Str("courseId") == courseId).ToList();
        Assert.True(matches.Count <= 1, $"course {courseId} is listed {matches.Count} times");
        return matches.Count == 0 ? null : matches[0];
    }

    /// <summary>The body of a lesson as the caller gets it (200 expected); null when the server withholds it.</summary>
    public static async Task<string?> LessonBodyAsync(this HttpClient client, string? token, string lessonId)
    {
        using var response = await client.SendAsync(HttpMethod.Get, $"/api/v1/lessons/{lessonId}", token);
        var lesson = await response.JsonAsync(HttpStatusCode.OK);
        Assert.True(lesson.TryGetProperty("body", out var body), $"lesson has no body member: {lesson.GetRawText()}");
        return body.ValueKind == JsonValueKind.Null ? null : body.GetString();
    }

    public static Task<HttpResponseMessage> GrantAsync(this HttpClient client, string? token, string courseId, string userId, string? expiresAt = null) =>
        client.SendAsync(HttpMethod.Post, AdminEnrollmentsUrl(courseId), token, new { userId, expiresAt });

    public static async Task<JsonElement> GrantOkAsync(this HttpClient client, string courseId, string userId, string? expiresAt = null)
    {
        var admin = await client.LoginAdminAsync();
        using var response = await client.GrantAsync(admin.AccessToken, courseId, userId, expiresAt);
        return await response.JsonAsync(HttpStatusCode.Created);
    }

    public static Task<HttpResponseMessage> RevokeAsync(this HttpClient client, string? token, string courseId, string userId) =>
        client.SendAsync(HttpMethod.Delete, $"{AdminEnrollmentsUrl(courseId)}/{userId}", token);

    /// <summary>A published course with a price, a section and a text lesson.</summary>
    public static async Task<PublishedCourse> PaidCourseAsync(this HttpClient client, long amount = 1999)
    {
        var owner = await client.NewUserWithRoleAsync("instructor");
        var token = owner.Tokens.AccessToken;
        var course = await client.CreateCourseAsync(token, new { title = $"Paid {Marker()}", price = new { amount, currency = "USD" } });
        var id = course.Str("id");
        var section = await client.AddSectionAsync(token, id);
        var lesson = await client.AddLessonAsync(token, id, section.Str("id"));
        await client.PublishAsync(token, id);
        return new PublishedCourse(owner, id, section.Str("id"), lesson.Str("id"));
    }

    /// <summary>Asserts the member is an ISO-8601 UTC time ending in Z and returns it.</summary>
    public static DateTimeOffset UtcTime(this JsonElement element, string property)
    {
        var text = element.Str(property);
        Assert.EndsWith("Z", text, StringComparison.Ordinal);
        return element.GetProperty(property).GetDateTimeOffset();
    }

    public static bool IsNull(this JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Null;
}
