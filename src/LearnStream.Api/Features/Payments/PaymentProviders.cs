using Microsoft.Extensions.Options;
using Stripe;
using Stripe.Checkout;

namespace LearnStream.Api.Features.Payments;

/// <summary>A provider's hosted checkout for one order: its reference and where to send the buyer.</summary>
public sealed record ProviderCheckout(string? Reference, string Url);

/// <summary>The provider could not be reached or refused the request; nothing was changed on our side.</summary>
public sealed class PaymentProviderException(string message, Exception? inner = null) : Exception(message, inner);

public interface IPaymentProvider
{
    string Name { get; }

    /// <summary>Creates the provider's checkout for the order. Must be safe to call again for the same order.</summary>
    Task<ProviderCheckout> CreateCheckoutAsync(Order order, Uri serviceBase, CancellationToken ct);

    /// <summary>Returns the whole payment of a paid order. Must be safe to call again for the same order.</summary>
    Task RefundAsync(Order order, CancellationToken ct);
}

/// <summary>Test mode: the buyer "pays" by calling the complete route; no money moves.</summary>
public sealed class ManualPaymentProvider : IPaymentProvider
{
    public string Name => PaymentOptions.Manual;

    public Task<ProviderCheckout> CreateCheckoutAsync(Order order, Uri serviceBase, CancellationToken ct) =>
        Task.FromResult(new ProviderCheckout(null, new Uri(serviceBase, $"/api/v1/payments/manual/{order.Id}/complete").ToString()));

    public Task RefundAsync(Order order, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>
/// Stripe Checkout through Stripe.net. Every call carries an idempotency key derived from the order,
/// so a retried checkout or refund can never create a second session or a second refund at Stripe.
/// </summary>
public sealed class StripePaymentProvider(IHttpClientFactory httpClients, IOptions<StripeOptions> stripe, IOptions<PaymentOptions> payments) : IPaymentProvider
{
    public const string HttpClientName = "stripe";
    public const string OrderIdKey = "order_id";

    public string Name => PaymentOptions.Stripe;

    public async Task<ProviderCheckout> CreateCheckoutAsync(Order order, Uri serviceBase, CancellationToken ct)
    {
        var orderId = order.Id.ToString();
        var returnTo = payments.Value.ReturnUrl is { } configured ? new Uri(configured) : serviceBase;
        var options = new SessionCreateOptions
        {
            Mode = "payment",
            ClientReferenceId = orderId,
            Metadata = new Dictionary<string, string> { [OrderIdKey] = orderId },
            PaymentIntentData = new SessionPaymentIntentDataOptions { Metadata = new Dictionary<string, string> { [OrderIdKey] = orderId } },
            LineItems =
            [
                new SessionLineItemOptions
                {
                    Quantity = 1,
                    PriceData = new SessionLineItemPriceDataOptions
                    {
                        Currency = order.Currency.ToLowerInvariant(),
                        UnitAmount = order.Amount,
                        ProductData = new SessionLineItemPriceDataProductDataOptions { Name = order.CourseTitle },
                    },
                },
            ],
            SuccessUrl = new Uri(returnTo, $"?order={orderId}&checkout=success").ToString(),
            CancelUrl = new Uri(returnTo, $"?order={orderId}&checkout=cancelled").ToString(),
        };
        try
        {
            var session = await new SessionService(Client()).CreateAsync(options, new RequestOptions { IdempotencyKey = $"checkout-{orderId}" }, ct);
            return new ProviderCheckout(session.Id, session.Url);
        }
        catch (StripeException e)
        {
            throw new PaymentProviderException($"Stripe refused the checkout: {e.StripeError?.Message ?? e.Message}", e);
        }
        catch (HttpRequestException e)
        {
            throw new PaymentProviderException("Stripe could not be reached.", e);
        }
    }

    public async Task RefundAsync(Order order, CancellationToken ct)
    {
        if (order.PaymentRef is null)
        {
            throw new PaymentProviderException("The order has no Stripe payment to refund.");
        }
        var options = new RefundCreateOptions
        {
            PaymentIntent = order.PaymentRef,
            Metadata = new Dictionary<string, string> { [OrderIdKey] = order.Id.ToString() },
        };
        try
        {
            await new RefundService(Client()).CreateAsync(options, new RequestOptions { IdempotencyKey = $"refund-{order.Id}" }, ct);
        }
        catch (StripeException e)
        {
            throw new PaymentProviderException($"Stripe refused the refund: {e.StripeError?.Message ?? e.Message}", e);
        }
        catch (HttpRequestException e)
        {
            throw new PaymentProviderException("Stripe could not be reached.", e);
        }
    }

    private StripeClient Client()
    {
        var options = stripe.Value;
        var http = new SystemNetHttpClient(httpClients.CreateClient(HttpClientName), maxNetworkRetries: 2);
        return new StripeClient(options.SecretKey, httpClient: http, apiBase: options.ApiBaseUrl?.TrimEnd('/'));
    }
}
