using System.Net;
using System.Text.Json;
using LearnStream.Api.Data;
using LearnStream.Api.Features.Video;
using LearnStream.Api.Tests.Catalog;
using LearnStream.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;

namespace LearnStream.Api.Tests.Progress;

/// <summary>A published course of video and text lessons (in outline order), its owner, and the ids of each kind.</summary>
public sealed record ProgressCourse(TestUser Owner, string Id, string Title, string Slug, IReadOnlyList<string> LessonIds, IReadOnlyList<string> VideoIds, IReadOnlyList<string> TextIds)
{
    public string Video => VideoIds[0];

    public string Text => TextIds[0];
}

/// <summary>Client-side progress steps the progress tests repeat, through HTTP; only the ready video is set up in the database.</summary>
public static class ProgressTestApi
{
    /// <summary>The length of every test video, in seconds.</summary>
    public const double VideoSeconds = 100;

    public const string MyProgress = "/api/v1/me/progress";

    /// <summary>
    /// The server keeps progress times to the millisecond, so two writes in one millisecond tie (and ties
    /// fall back to ids). Tests about "newest" or "most recent" wait this long between such writes.
    /// </summary>
    public static Task NextMillisecondAsync() => Task.Delay(5, TestContext.Current.CancellationToken);

    public static string BeatUrl(string lessonId) => $"/api/v1/lessons/{lessonId}/progress";

    public static string CompleteUrl(string lessonId) => $"/api/v1/lessons/{lessonId}/complete";

    public static string CourseProgressUrl(string courseId) => $"{Courses}/{courseId}/progress";

    /// <summary>
    /// A course with <paramref name="videos"/> ready video lessons (each <see cref="VideoSeconds"/> long)
    /// followed by <paramref name="texts"/> text lessons, in one section, published unless told otherwise.
    /// </summary>
    public static async Task<ProgressCourse> ProgressCourseAsync(this StoreFixture fixture, HttpClient client, int videos = 1, int texts = 1,
        TestUser? owner = null, bool publish = true)
    {
        owner ??= await client.NewUserWithRoleAsync("instructor");
        var token = owner.Tokens.AccessToken;
        var course = await client.CreateCourseAsync(token, $"Progress {Marker()}");
        var id = course.Str("id");
        var section = (await client.AddSectionAsync(token, id)).Str("id");
        var videoIds = new List<string>();
        var textIds = new List<string>();
        for (var i = 0; i < videos; i++)
        {
            var lesson = await client.AddLessonAsync(token, id, section, $"Video {i + 1}", kind: "video", body: null);
            videoIds.Add(lesson.Str("id"));
            await fixture.SetVideoAsync(id, lesson.Str("id"), VideoStatus.Ready, VideoSeconds);
        }
        for (var i = 0; i < texts; i++)
        {
            textIds.Add((await client.AddLessonAsync(token, id, section, $"Text {i + 1}")).Str("id"));
        }
        if (publish)
        {
            await client.PublishAsync(token, id);
        }
        return new ProgressCourse(owner, id, course.Str("title"), course.Str("slug"), [.. videoIds, .. textIds], videoIds, textIds);
    }

    /// <summary>
    /// Writes the lesson's video row as the transcoder (or Mux) would once it is done: progress needs a
    /// ready video with a duration, and a real transcode costs seconds these tests do not need to spend.
    /// </summary>
    public static async Task SetVideoAsync(this StoreFixture fixture, string courseId, string lessonId, VideoStatus status, double? duration)
    {
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LearnStreamDbContext>();
        await db.LessonVideos.Where(v => v.LessonId == lessonId).ExecuteDeleteAsync();
        db.LessonVideos.Add(new LessonVideo
        {
            LessonId = lessonId, CourseId = courseId, Provider = "local", Status = status, Duration = duration,
            AssetId = Guid.NewGuid().ToString("N"), UpdatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
    }

    /// <summary>A beat as the player sends it; <paramref name="watched"/> as [start, end] pairs.</summary>
    public static object Beat(string sessionId, long sequence, double position, double[][]? watched = null, string @event = "heartbeat") =>
        new { sessionId, sequence, position, watched = watched ?? [], @event };

    public static Task<HttpResponseMessage> SendBeatAsync(this HttpClient client, string? token, string lessonId, object body) =>
        client.SendAsync(HttpMethod.Post, BeatUrl(lessonId), token, body);

    /// <summary>Sends a beat; asserts 202 and returns the lesson's merged progress.</summary>
    public static async Task<JsonElement> SendBeatOkAsync(this HttpClient client, string token, string lessonId, object body)
    {
        using var response = await client.SendBeatAsync(token, lessonId, body);
        return await response.JsonAsync(HttpStatusCode.Accepted);
    }

    public static Task<HttpResponseMessage> SendCompleteAsync(this HttpClient client, string? token, string lessonId) =>
        client.SendAsync(HttpMethod.Post, CompleteUrl(lessonId), token);

    public static async Task<JsonElement> GetCourseProgressAsync(this HttpClient client, string token, string courseId)
    {
        using var response = await client.SendAsync(HttpMethod.Get, CourseProgressUrl(courseId), token);
        return await response.JsonAsync(HttpStatusCode.OK);
    }

    /// <summary>The course progress entry of one lesson.</summary>
    public static JsonElement LessonEntry(this JsonElement courseProgress, string lessonId) =>
        Assert.Single(courseProgress.GetProperty("lessons").EnumerateArray(), l => l.Str("lessonId") == lessonId);

    public static async Task<List<JsonElement>> GetMyProgressAsync(this HttpClient client, string token)
    {
        using var response = await client.SendAsync(HttpMethod.Get, MyProgress, token);
        var rows = await response.JsonAsync(HttpStatusCode.OK);
        return [.. rows.EnumerateArray()];
    }

    public static Task<HttpResponseMessage> SendHistoryAsync(this HttpClient client, string? token, string query = "") =>
        client.SendAsync(HttpMethod.Get, $"/api/v1/me/history{query}", token);

    public static async Task<JsonElement> GetHistoryAsync(this HttpClient client, string token, string query = "")
    {
        using var response = await client.SendHistoryAsync(token, query);
        return await response.JsonAsync(HttpStatusCode.OK);
    }

    public static double Num(this JsonElement element, string property) => element.GetProperty(property).GetDouble();

    public static bool Flag(this JsonElement element, string property) => element.GetProperty(property).GetBoolean();
}
