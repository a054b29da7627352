using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LearnStream.Api.Features.Video.Mux;

public static class MuxExtensions
{
    /// <summary>
    /// Binds <see cref="MuxOptions"/> from "Mux" and registers <see cref="MuxClient"/> as a typed HttpClient:
    /// base address, Basic auth and timeout from the options, and <see cref="MuxRetryHandler"/> in its pipeline.
    /// </summary>
    public static IServiceCollection AddMuxClient(this IServiceCollection services)
    {
        services.AddOptions<MuxOptions>().BindConfiguration(MuxOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MuxOptions>, MuxOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient<MuxClient>((provider, http) =>
                MuxClient.Configure(http, provider.GetRequiredService<IOptionsMonitor<MuxOptions>>().CurrentValue))
            .AddHttpMessageHandler(provider => new MuxRetryHandler(provider.GetRequiredService<TimeProvider>()));
        return services;
    }
}
