using Microsoft.Extensions.Options;

namespace LearnStream.Api.Features.Video.Mux;

public sealed record MuxWebhookReceipt(bool Received, bool Duplicate);

public static class MuxVideoExtensions
{
    /// <summary>Largest webhook body read; Mux's events are a few kilobytes.</summary>
    private const long MaxWebhookBytes = 256 * 1024;

    /// <summary>
    /// <c>Video:Provider=mux</c>: the Mux client, the playback signer, the provider and the importer. The
    /// signer loads its key when the provider is first resolved, which the start does, so a missing or
    /// broken key stops the start with one line naming the setting (in Production the options validator
    /// names every missing Mux setting before that).
    /// </summary>
    public static IHostApplicationBuilder AddMuxVideo(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddMuxClient();
        services.AddSingleton(sp =>
        {
            try
            {
                return new MuxPlaybackSigner(sp.GetRequiredService<IOptions<MuxOptions>>(), sp.GetRequiredService<TimeProvider>());
            }
            catch (InvalidOperationException e)
            {
                throw new Common.ConfigurationException(e.Message);
            }
        });
        // Transient, like the typed MuxClient it holds: a long-lived HttpClient would keep its connections
        // (and their DNS answers) for ever, and the start resolves the provider from the root scope.
        services.AddTransient<IVideoProvider, MuxVideoProvider>();
        services.AddScoped<IVideoImporter, MuxVideoImporter>();
        services.AddScoped<MuxWebhookHandler>();
        return builder;
    }

    public static IEndpointRouteBuilder MapMuxVideo(this WebApplication app)
    {
        app.MapPost("/api/v1/webhooks/mux", ReceiveWebhook).WithTags("Webhooks").AllowAnonymous()
            .WithMetadata(new Common.RequestBodyLimit(MaxWebhookBytes)).Produces<MuxWebhookReceipt>();
        return app;
    }

    /// <summary>
    /// Mux's deliveries. The signature covers the exact bytes sent, so the body is read raw. A refused
    /// delivery is a 400 and changes nothing; a duplicate is a 200 that changes nothing.
    /// </summary>
    public static async Task<IResult> ReceiveWebhook(HttpRequest request, MuxWebhookHandler handler, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        var outcome = await handler.HandleAsync(buffer.ToArray(), request.Headers[MuxWebhookVerifier.HeaderName], ct);
        return outcome.Refusal is { } refusal
            ? TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Webhook refused", detail: refusal)
            : TypedResults.Ok(new MuxWebhookReceipt(true, outcome.Duplicate));
    }
}
