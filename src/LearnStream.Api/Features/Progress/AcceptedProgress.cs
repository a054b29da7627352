using System.Buffers;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;

namespace LearnStream.Api.Features.Progress;

/// <summary>
/// A beat's answer: 202 with the pair's progress as JSON, the bytes the framework's JSON result writes for
/// <see cref="LessonProgressResponse"/> (the API's naming and the same number format, which
/// <c>AcceptedProgressTests</c> holds it to), with its length. Written with a writer reused per thread and
/// left for the server to send when the request ends, where <c>TypedResults.Accepted</c> set up the
/// serializer, a writer and a flush on every beat. The OpenAPI document describes it as that result would.
/// </summary>
public sealed class AcceptedProgress(LessonProgressResponse value)
    : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<LessonProgressResponse>, IContentTypeHttpResult, IEndpointMetadataProvider
{
    private const string JsonContentType = "application/json; charset=utf-8";

    [ThreadStatic]
    private static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer)? _json;

    public LessonProgressResponse Value => value;

    object? IValueHttpResult.Value => value;

    public int StatusCode => StatusCodes.Status202Accepted;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public string ContentType => JsonContentType;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var json = Json(value);
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        response.ContentType = JsonContentType;
        response.ContentLength = json.Length;
        response.BodyWriter.Write(json);
        return Task.CompletedTask;
    }

    /// <summary>The response's JSON, in a buffer of the calling thread's that the next call on it overwrites.</summary>
    internal static ReadOnlySpan<byte> Json(LessonProgressResponse value)
    {
        var (buffer, writer) = _json ??= (new ArrayBufferWriter<byte>(256), new Utf8JsonWriter(Stream.Null));
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        writer.WriteStartObject();
        writer.WriteString("lessonId"u8, value.LessonId);
        writer.WriteNumber("position"u8, value.Position);
        writer.WriteNumber("watchedSeconds"u8, value.WatchedSeconds);
        writer.WriteNumber("percent"u8, value.Percent);
        writer.WriteBoolean("completed"u8, value.Completed);
        writer.WriteEndObject();
        writer.Flush();
        return buffer.WrittenSpan;
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status202Accepted, typeof(LessonProgressResponse), ["application/json"]));
}
