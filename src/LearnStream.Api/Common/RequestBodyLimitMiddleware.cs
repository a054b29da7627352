using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace LearnStream.Api.Common;

public sealed class RequestLimitsOptions
{
    public const string Section = "RequestLimits";

    /// <summary>Largest JSON body accepted; uploads that need more raise it on their own endpoint.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public long MaxBodyBytes { get; set; } = 256 * 1024;
}

/// <summary>
/// Caps request bodies: a declared length over the cap is refused before anything reads it, and the
/// server feature (Kestrel) enforces the same cap on chunked bodies while they stream in.
/// </summary>
public sealed class RequestBodyLimitMiddleware(RequestDelegate next, IOptions<RequestLimitsOptions> options, IProblemDetailsService problems)
{
    private readonly long _default = options.Value.MaxBodyBytes;

    public async Task InvokeAsync(HttpContext context)
    {
        // An endpoint that takes files (a video upload) declares its own cap; every other one gets the default.
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? _default;
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = limit;
        }

        if (context.Request.ContentLength > limit)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status413PayloadTooLarge,
                    Title = "Request body too large",
                    Detail = $"Bodies are limited to {limit} bytes.",
                },
            });
            return;
        }

        await next(context);
    }
}

/// <summary>Endpoint metadata raising (or lowering) the body cap for one route.</summary>
public sealed record RequestBodyLimit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;
