using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace LearnStream.Api.Features.Payments;

public sealed class PaymentOptions
{
    public const string Section = "Payments";
    public const string Manual = "manual";
    public const string Stripe = "stripe";

    /// <summary><c>manual</c> (local test mode: the buyer completes the order with one call) or <c>stripe</c>.</summary>
    public string Provider { get; set; } = Manual;

    /// <summary>Where the provider sends the buyer back after checkout; defaults to this service's own address.</summary>
    [Url]
    public string? ReturnUrl { get; set; }
}

public sealed class StripeOptions
{
    public const string Section = "Stripe";

    public string? SecretKey { get; set; }
    public string? WebhookSecret { get; set; }

    /// <summary>Overridable so tests can point the real client at an emulator.</summary>
    [Url]
    public string? ApiBaseUrl { get; set; }

    /// <summary>How old a signed webhook may be; Stripe's own libraries default to five minutes.</summary>
    [Range(1, 3600)]
    public int WebhookToleranceSeconds { get; set; } = 300;
}

public sealed class PaymentOptionsValidator(IHostEnvironment environment, IOptions<StripeOptions> stripe) : IValidateOptions<PaymentOptions>
{
    public ValidateOptionsResult Validate(string? name, PaymentOptions options)
    {
        switch (options.Provider)
        {
            case PaymentOptions.Manual when environment.IsProduction():
                return ValidateOptionsResult.Fail(
                    "Payments:Provider=manual lets buyers complete their own orders and is refused in Production; set Payments:Provider=stripe.");
            case PaymentOptions.Manual:
                return ValidateOptionsResult.Success;
            case PaymentOptions.Stripe:
                var missing = new List<string>();
                if (string.IsNullOrWhiteSpace(stripe.Value.SecretKey))
                {
                    missing.Add("Stripe:SecretKey is required for Payments:Provider=stripe.");
                }
                if (string.IsNullOrWhiteSpace(stripe.Value.WebhookSecret))
                {
                    missing.Add("Stripe:WebhookSecret is required for Payments:Provider=stripe.");
                }
                return missing.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(missing);
            default:
                return ValidateOptionsResult.Fail("Payments:Provider must be 'manual' or 'stripe'.");
        }
    }
}
