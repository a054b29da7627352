using LearnStream.Api.Features.Video.Local;
using LearnStream.Api.Features.Video.Mux;

namespace LearnStream.Api.Features.Video;

public static class VideoExtensions
{
    public static IHostApplicationBuilder AddVideo(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<VideoOptions>().BindConfiguration(VideoOptions.Section)
            .Validate(o => o.Provider is VideoOptions.Local or VideoOptions.Mux, "Video:Provider must be 'local' or 'mux'.")
            .ValidateOnStart();
        builder.Services.AddMemoryCache();
        builder.Services.AddScoped<VideoLibrary>();
        if (builder.Configuration[$"{VideoOptions.Section}:Provider"] == VideoOptions.Mux)
        {
            builder.AddMuxVideo();
        }
        else
        {
            // Also for an unknown name, which then fails the start through the validation above.
            builder.AddLocalVideo();
        }
        return builder;
    }

    public static WebApplication MapVideoEndpoints(this WebApplication app)
    {
        ((IEndpointRouteBuilder)app).MapVideoEndpoints();
        // Chosen from configuration as in AddVideo: resolving the provider here would load its keys before
        // RunLearnStreamAsync, which reports a missing or invalid setting on one line.
        if (app.Configuration[$"{VideoOptions.Section}:Provider"] == VideoOptions.Mux)
        {
            app.MapMuxVideo();
        }
        else
        {
            app.MapLocalVideo();
        }
        return app;
    }
}
