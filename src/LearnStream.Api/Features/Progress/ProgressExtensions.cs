namespace LearnStream.Api.Features.Progress;

public static class ProgressExtensions
{
    public static IHostApplicationBuilder AddProgress(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ProgressOptions>().BindConfiguration(ProgressOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.AddProgressStore();
        builder.AddProgressBuffer();
        builder.Services.AddSingleton<ProgressRecorder>();
        builder.Services.AddScoped<ProgressReader>();
        return builder;
    }
}
