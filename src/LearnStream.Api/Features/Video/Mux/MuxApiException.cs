using System.Net;
using System.Text.Json;

namespace LearnStream.Api.Features.Video.Mux;

/// <summary>Mux answered with an error status, or with a success we could not read.</summary>
public sealed class MuxApiException : Exception
{
    public MuxApiException()
    {
    }

    public MuxApiException(string message) : base(message)
    {
    }

    public MuxApiException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public MuxApiException(HttpStatusCode statusCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
    }

    public MuxApiException(HttpStatusCode statusCode, string? errorType, IReadOnlyList<string> messages, TimeSpan? retryAfter = null)
        : base(Describe(statusCode, errorType, messages))
    {
        StatusCode = statusCode;
        ErrorType = errorType;
        Messages = messages;
        RetryAfter = retryAfter;
    }

    public HttpStatusCode StatusCode { get; }

    /// <summary>Mux's <c>error.type</c>, for example "invalid_parameters"; null when the body had none.</summary>
    public string? ErrorType { get; }

    public IReadOnlyList<string> Messages { get; } = [];

    /// <summary>How long Mux asked us to wait, when it said (429 and 503 mostly).</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Reads Mux's error body, <c>{"error": {"type": ..., "messages": [...]}}</c>, tolerating anything else.</summary>
    internal static async Task<MuxApiException> FromResponseAsync(HttpResponseMessage response, TimeProvider time, CancellationToken cancellationToken)
    {
        string? type = null;
        var messages = new List<string>();
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.Object)
            {
                if (error.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String)
                {
                    type = t.GetString();
                }
                if (error.TryGetProperty("messages", out var m) && m.ValueKind == JsonValueKind.Array)
                {
                    messages.AddRange(m.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!));
                }
            }
        }
        catch (JsonException)
        {
            // A proxy's HTML error page, say: the status code alone still tells the caller what happened.
        }
        return new MuxApiException(response.StatusCode, type, messages, MuxRetryHandler.RetryAfter(response, time));
    }

    private static string Describe(HttpStatusCode statusCode, string? errorType, IReadOnlyList<string> messages)
    {
        var detail = messages.Count > 0 ? ": " + string.Join("; ", messages) : "";
        return $"Mux answered {(int)statusCode} {errorType ?? statusCode.ToString()}{detail}";
    }
}
