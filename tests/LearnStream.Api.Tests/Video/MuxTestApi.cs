using System.Net;
using System.Text.Json;
using LearnStream.Api.Tests.Catalog;
using LearnStream.Api.Tests.Enrollment;
using LearnStream.Api.Tests.Infrastructure;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;

namespace LearnStream.Api.Tests.Video.WithMux;

/// <summary>A course (published unless asked otherwise) with a video lesson, and its owner.</summary>
public sealed record MuxVideoLesson(PublishedCourse Course, string LessonId)
{
    public string OwnerToken => Course.Owner.Tokens.AccessToken;
}

/// <summary>A lesson whose Mux video is ready: what the webhooks said about it.</summary>
public sealed record ReadyVideo(MuxVideoLesson Lesson, string UploadId, string AssetId, string PlaybackId);

/// <summary>Client-side video steps the Mux tests repeat, all through HTTP.</summary>
public static class MuxTestApi
{
    public const double Duration = 23.8;

    public static string UploadsUrl(string lessonId) => $"/api/v1/lessons/{lessonId}/video/uploads";

    public static string ImportUrl(string lessonId) => $"/api/v1/lessons/{lessonId}/video/import";

    public static string VideoUrl(string lessonId) => $"/api/v1/lessons/{lessonId}/video";

    public static string PlaybackUrl(string lessonId) => $"/api/v1/lessons/{lessonId}/playback";

    public static async Task<MuxVideoLesson> VideoLessonAsync(this HttpClient client, bool preview = false, bool paid = false, bool publish = true)
    {
        var course = paid ? await client.PaidCourseAsync() : await client.PublishedCourseAsync(publish: false);
        var lesson = await client.AddLessonAsync(course.Owner.Tokens.AccessToken, course.Id, course.SectionId,
            title: "Video lesson", kind: "video", body: null, isPreview: preview);
        if (publish && !paid)
        {
            await client.PublishAsync(course.Owner.Tokens.AccessToken, course.Id);
        }
        return new MuxVideoLesson(course, lesson.Str("id"));
    }

    public static async Task<JsonElement> CreateUploadOkAsync(this HttpClient client, string token, string lessonId)
    {
        using var response = await client.SendAsync(HttpMethod.Post, UploadsUrl(lessonId), token);
        return await response.JsonAsync(HttpStatusCode.Created);
    }

    public static async Task<JsonElement> VideoAsync(this HttpClient client, string token, string lessonId)
    {
        using var response = await client.SendAsync(HttpMethod.Get, VideoUrl(lessonId), token);
        return await response.JsonAsync(HttpStatusCode.OK);
    }

    public static async Task<string> VideoStatusAsync(this HttpClient client, string token, string lessonId) =>
        (await client.VideoAsync(token, lessonId)).Str("status");

    /// <summary>Upload, then the webhooks Mux sends when the file arrived and the asset became playable.</summary>
    public static async Task<ReadyVideo> ReadyVideoAsync(this HttpClient client, MuxVideoLesson lesson)
    {
        var upload = await client.CreateUploadOkAsync(lesson.OwnerToken, lesson.LessonId);
        var uploadId = upload.Str("uploadId");
        var assetId = MuxEmulator.NewId("as");
        var playbackId = MuxEmulator.NewId("pb");
        await client.DeliverOkAsync(MuxWebhooks.UploadEvent("video.upload.asset_created", uploadId, lesson.LessonId, assetId));
        await client.DeliverOkAsync(MuxWebhooks.AssetEvent("video.asset.ready",
            MuxEmulator.AssetJson(assetId, "ready", lesson.LessonId, uploadId, playbackId, duration: Duration, aspectRatio: "16:9"), assetId));
        Assert.Equal("ready", await client.VideoStatusAsync(lesson.OwnerToken, lesson.LessonId));
        return new ReadyVideo(lesson, uploadId, assetId, playbackId);
    }

    /// <summary>A learner who bought the course with the manual provider; returns the order id too.</summary>
    public static async Task<(TestUser Learner, string OrderId)> PaidLearnerAsync(this HttpClient client, string courseId)
    {
        var learner = await client.NewUserAsync();
        var token = learner.Tokens.AccessToken;
        using var checkout = await client.SendAsync(HttpMethod.Post, $"{Courses}/{courseId}/checkout", token);
        var orderId = (await checkout.JsonAsync(HttpStatusCode.Created)).Str("orderId");
        using var paid = await client.SendAsync(HttpMethod.Post, $"/api/v1/payments/manual/{orderId}/complete", token);
        Assert.Equal("paid", (await paid.JsonAsync(HttpStatusCode.OK)).Str("status"));
        return (learner, orderId);
    }

    /// <summary>An admin refunds the order through the admin route, which ends the enrollment.</summary>
    public static async Task RefundAsync(this HttpClient client, string orderId)
    {
        var admin = await client.LoginAdminAsync();
        using var refunded = await client.SendAsync(HttpMethod.Post, $"/api/v1/admin/orders/{orderId}/refund", admin.AccessToken);
        Assert.Equal("refunded", (await refunded.JsonAsync(HttpStatusCode.OK)).Str("status"));
    }
}
