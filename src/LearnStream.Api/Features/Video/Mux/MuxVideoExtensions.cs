namespace LearnStream.Api.Features.Video.Mux;

public static class MuxVideoExtensions
{
    // Wiring in progress on the Mux branch; until then the start refuses the setting with one line.
    public static IHostApplicationBuilder AddMuxVideo(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<VideoOptions>().Validate(_ => false, "Video:Provider=mux is not available in this build; use Video:Provider=local.");
        return builder;
    }

    public static IEndpointRouteBuilder MapMuxVideo(this WebApplication app) => app;
}
