using LearnStream.Api.Common;
using Microsoft.Extensions.Options;

namespace LearnStream.Api.Features.Video.Local;

public static class LocalVideoExtensions
{
    public static IHostApplicationBuilder AddLocalVideo(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<LocalVideoOptions>().BindConfiguration(LocalVideoOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<MediaLocation>();
        services.AddSingleton(sp => new MediaPathResolver(sp.GetRequiredService<MediaLocation>().Root));
        services.AddSingleton(sp => new MediaTokenSigner(MediaLocation.LoadTokenKey(
            builder.Configuration, builder.Environment, sp.GetRequiredService<DataDirectory>())));
        services.AddSingleton(sp => new FfmpegTranscoder(sp.GetRequiredService<IOptions<LocalVideoOptions>>().Value));
        services.AddSingleton<TranscodeWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<TranscodeWorker>());
        services.AddSingleton<IVideoProvider, LocalVideoProvider>();
        return builder;
    }

    public static IEndpointRouteBuilder MapLocalVideo(this WebApplication app)
    {
        // Read without validating: IOptions.Value would throw here, before RunLearnStreamAsync reports an
        // out-of-range value on one line.
        var maxUploadBytes = app.Configuration.GetValue($"{LocalVideoOptions.Section}:{nameof(LocalVideoOptions.MaxUploadBytes)}",
            LocalVideoOptions.DefaultMaxUploadBytes);
        return app.MapLocalVideoEndpoints(maxUploadBytes);
    }
}
