using System.Net;
using System.Text.Json;
using LearnStream.Api.Data;
using LearnStream.Api.Features.Progress;
using LearnStream.Api.Features.Video;
using LearnStream.Api.Tests.Enrollment;
using LearnStream.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;

namespace LearnStream.Api.Tests.Analytics;

/// <summary>A published course for analytics: two ready videos of <see cref="AnalyticsTestApi.VideoSeconds"/> and a text lesson, in outline order.</summary>
public sealed record AnalyticsCourse(TestUser Owner, string Id, string Video1, string Video2, string Text);

/// <summary>Client-side steps of the analytics tests. Names carry "Analytics" so they never clash with other helpers' extensions.</summary>
public static class AnalyticsTestApi
{
    public const double VideoSeconds = 100;

    public static string CourseAnalyticsUrl(string courseId) => $"{Courses}/{courseId}/analytics";

    public static string LessonAnalyticsUrl(string lessonId) => $"/api/v1/lessons/{lessonId}/analytics";

    public static async Task<AnalyticsCourse> AnalyticsCourseAsync(this StoreFixture fixture, HttpClient client)
    {
        var owner = await client.NewUserWithRoleAsync("instructor");
        var token = owner.Tokens.AccessToken;
        var id = (await client.CreateCourseAsync(token, $"Analytics {Marker()}")).Str("id");
        var section = (await client.AddSectionAsync(token, id)).Str("id");
        var video1 = (await client.AddLessonAsync(token, id, section, "First video", kind: "video", body: null)).Str("id");
        var video2 = (await client.AddLessonAsync(token, id, section, "Second video", kind: "video", body: null)).Str("id");
        var text = (await client.AddLessonAsync(token, id, section, "Reading")).Str("id");
        await fixture.SetAnalyticsVideoAsync(id, video1);
        await fixture.SetAnalyticsVideoAsync(id, video2);
        await client.PublishAsync(token, id);
        return new AnalyticsCourse(owner, id, video1, video2, text);
    }

    /// <summary>
    /// Writes the lesson's video row as a finished transcode would: beats need a ready video with a
    /// length, and a real transcode costs seconds these tests do not need to spend.
    /// </summary>
    public static async Task SetAnalyticsVideoAsync(this StoreFixture fixture, string courseId, string lessonId, double duration = VideoSeconds)
    {
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LearnStreamDbContext>();
        await db.LessonVideos.Where(v => v.LessonId == lessonId).ExecuteDeleteAsync();
        db.LessonVideos.Add(new LessonVideo
        {
            LessonId = lessonId, CourseId = courseId, Provider = "local", Status = VideoStatus.Ready, Duration = duration,
            AssetId = Guid.NewGuid().ToString("N"), UpdatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
    }

    /// <summary>A new learner enrolled in the course.</summary>
    public static async Task<TestUser> AnalyticsLearnerAsync(this HttpClient client, string courseId)
    {
        var learner = await client.NewUserAsync();
        await client.EnrollOkAsync(learner.Tokens.AccessToken, courseId);
        return learner;
    }

    /// <summary>One player session over the lesson: a beat per interval, in order; each must be accepted.</summary>
    public static async Task WatchForAnalyticsAsync(this HttpClient client, TestUser learner, string lessonId, params double[][] intervals)
    {
        var session = Guid.NewGuid().ToString("N");
        for (var i = 0; i < intervals.Length; i++)
        {
            var body = new { sessionId = session, sequence = i + 1, position = intervals[i][1], watched = new[] { intervals[i] }, @event = "heartbeat" };
            using var response = await client.SendAsync(HttpMethod.Post, $"/api/v1/lessons/{lessonId}/progress", learner.Tokens.AccessToken, body);
            await response.JsonAsync(HttpStatusCode.Accepted);
        }
    }

    public static async Task CompleteForAnalyticsAsync(this HttpClient client, TestUser learner, string lessonId)
    {
        using var response = await client.SendAsync(HttpMethod.Post, $"/api/v1/lessons/{lessonId}/complete", learner.Tokens.AccessToken);
        await response.JsonAsync(HttpStatusCode.OK);
    }

    /// <summary>Writes every buffered beat to the progress store now, instead of waiting for the flusher.</summary>
    public static async Task FlushForAnalyticsAsync(this StoreFixture fixture)
    {
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var buffer = scope.ServiceProvider.GetRequiredService<IProgressBuffer>();
        await buffer.FlushAsync(scope.ServiceProvider.GetRequiredService<IProgressStore>(), null, CancellationToken.None);
    }

    public static async Task<JsonElement> GetAnalyticsOkAsync(this HttpClient client, string? token, string url)
    {
        using var response = await client.SendAsync(HttpMethod.Get, url, token);
        return await response.JsonAsync(HttpStatusCode.OK);
    }

    public static async Task<HttpStatusCode> GetAnalyticsStatusAsync(this HttpClient client, string? token, string url)
    {
        using var response = await client.SendAsync(HttpMethod.Get, url, token);
        if (response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound)
        {
            // Refusals are problem documents.
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        return response.StatusCode;
    }

    public static double[] AnalyticsNumbers(this JsonElement element, string property) =>
        [.. element.GetProperty(property).EnumerateArray().Select(v => v.GetDouble())];

    public static double AnalyticsNumber(this JsonElement element, string property) => element.GetProperty(property).GetDouble();
}
