using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Scalar.AspNetCore;

namespace LearnStream.Api.Common;

public static class PlatformExtensions
{
    /// <summary>Cross-cutting HTTP behaviour: problem details, validation, JSON, OpenAPI, health and time.</summary>
    public static IHostApplicationBuilder AddPlatform(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(DataDirectory.From(builder.Configuration, builder.Environment));

        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Type ??= ProblemTypes.ForStatus(context.ProblemDetails.Status);
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            if (context.ProblemDetails is HttpValidationProblemDetails validation)
            {
                CamelCaseKeys(validation.Errors);
            }
        });
        services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        services.AddValidation();

        // Binding failures (malformed JSON, wrong types) are thrown so the exception handler can
        // answer them with a problem body that says what was wrong.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(options =>
        {
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase));
            options.SerializerOptions.Converters.Add(new UtcTimeConverter());
            options.SerializerOptions.MaxDepth = 32;
        });

        services.AddOptions<RequestLimitsOptions>()
            .BindConfiguration(RequestLimitsOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<DocsOptions>().BindConfiguration(DocsOptions.Section);

        services.AddOpenApi();
        services.AddHealthChecks();
        return builder;
    }

    // Field names in errors match the JSON the client sent ("email", not "Email").
    private static void CamelCaseKeys(IDictionary<string, string[]> errors)
    {
        foreach (var key in errors.Keys.Where(k => k.Length > 0 && char.IsUpper(k[0])).ToList())
        {
            var camel = System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(key);
            errors[camel] = errors.TryGetValue(camel, out var existing) ? [.. existing, .. errors[key]] : errors[key];
            errors.Remove(key);
        }
    }

    public static WebApplication UsePlatform(this WebApplication app)
    {
        app.UseMiddleware<RequestBodyLimitMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    public static WebApplication MapSystemEndpoints(this WebApplication app)
    {
        app.MapHealthEndpoints();
        var docs = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DocsOptions>>().Value;
        if (docs.Enabled ?? !app.Environment.IsProduction())
        {
            app.MapOpenApi();
            app.MapScalarApiReference("/docs", options => options.WithTitle("LearnStream API"));
        }
        return app;
    }
}

public sealed class DocsOptions
{
    public const string Section = "Docs";

    /// <summary>Serve /openapi/v1.json and /docs; defaults to on everywhere but Production.</summary>
    public bool? Enabled { get; set; }
}
