using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using StackExchange.Redis;

namespace LearnStream.Api.Common;

/// <summary>
/// Turns what a client can cause (unreadable bodies, oversized bodies, wrong content types) into a
/// 4xx problem that says why; anything else is a 500 that reveals nothing.
/// </summary>
public sealed class ProblemDetailsExceptionHandler(
    IProblemDetailsService problems,
    ILogger<ProblemDetailsExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                (413, "Request body too large", "The request body exceeds the size this endpoint accepts."),
            BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } =>
                (415, "Unsupported media type", "Send the body as application/json."),
            BadHttpRequestException { InnerException: JsonException json } =>
                (400, "Malformed request body", DescribeJsonError(json)),
            BadHttpRequestException bad => (bad.StatusCode, "Bad request", bad.Message),
            // Redis holds the progress buffer and shared limits; while it is away those requests cannot be accepted safely.
            RedisException or RedisTimeoutException => (503, "Service unavailable", "A backing service does not answer; try again shortly."),
            OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested =>
                (499, "Client closed request", "The client closed the connection."),
            _ => (500, "Unexpected error", "The server could not complete the request."),
        };

        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            logger.LogWarning("Backing service unavailable for {Method} {Path}: {Error}", httpContext.Request.Method, httpContext.Request.Path, exception.GetType().Name);
            httpContext.Response.Headers.RetryAfter = "5";
        }
        else if (status >= 500)
        {
            logger.LogError(exception, "Unhandled exception for {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    private static string DescribeJsonError(JsonException json) =>
        json.Path is { Length: > 0 } path
            ? $"The JSON body is invalid at '{path}': a value is missing, malformed or of the wrong type."
            : "The body is not valid JSON.";
}
