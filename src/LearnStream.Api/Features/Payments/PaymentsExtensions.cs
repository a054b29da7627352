namespace LearnStream.Api.Features.Payments;

public static class PaymentsExtensions
{
    public static IHostApplicationBuilder AddPayments(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<PaymentOptions>().BindConfiguration(PaymentOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<PaymentOptions>, PaymentOptionsValidator>();
        services.AddOptions<StripeOptions>().BindConfiguration(StripeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient(StripePaymentProvider.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(30));

        var provider = builder.Configuration[$"{PaymentOptions.Section}:Provider"];
        if (provider == PaymentOptions.Stripe)
        {
            services.AddSingleton<IPaymentProvider, StripePaymentProvider>();
        }
        else
        {
            // An unknown name fails the start through PaymentOptionsValidator, with the key named.
            services.AddSingleton<IPaymentProvider, ManualPaymentProvider>();
        }
        services.AddScoped<CheckoutService>();
        services.AddScoped<OrderSettlement>();
        services.AddScoped<StripeWebhookHandler>();
        return builder;
    }
}
