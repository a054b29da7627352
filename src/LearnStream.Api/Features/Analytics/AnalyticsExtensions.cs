namespace LearnStream.Api.Features.Analytics;

public static class AnalyticsExtensions
{
    /// <summary>Needs the progress store (AddProgress) and the app's cache (AddCatalog).</summary>
    public static IHostApplicationBuilder AddAnalytics(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AnalyticsService>();
        return builder;
    }
}
