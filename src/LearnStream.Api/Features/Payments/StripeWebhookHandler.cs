using Microsoft.Extensions.Options;
using Stripe;
using Stripe.Checkout;

namespace LearnStream.Api.Features.Payments;

/// <summary>How a webhook delivery ended: refused (bad signature or body), a duplicate, or applied.</summary>
public sealed record WebhookOutcome(string? Refusal, bool Duplicate = false)
{
    public static readonly WebhookOutcome Applied = new((string?)null);
}

/// <summary>
/// Verifies a Stripe delivery over its raw body and applies it once. The signature check is
/// Stripe.net's (HMAC-SHA256 over "{t}.{body}", any v1, timestamp within the tolerance, measured
/// against our clock). Events we do not act on are still recorded, so a replay is visibly a replay.
/// </summary>
public sealed partial class StripeWebhookHandler(OrderSettlement settlement, IOptions<StripeOptions> options, TimeProvider time, ILogger<StripeWebhookHandler> logger)
{
    public async Task<WebhookOutcome> HandleAsync(string body, string? signature, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(signature))
        {
            return new WebhookOutcome("The Stripe-Signature header is missing.");
        }
        Event stripeEvent;
        try
        {
            stripeEvent = EventUtility.ConstructEvent(body, signature, options.Value.WebhookSecret,
                options.Value.WebhookToleranceSeconds, time.GetUtcNow().ToUnixTimeSeconds(), throwOnApiVersionMismatch: false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Stripe.net throws StripeException for signatures and JSON errors for bodies; neither is ours to explain further.
            LogRefused(logger, e.Message);
            return new WebhookOutcome("The Stripe-Signature does not verify this body, is too old, or the body is not a Stripe event.");
        }
        if (stripeEvent.Id is not { Length: > 0 and <= 255 } || stripeEvent.Type is not { Length: > 0 and <= 100 })
        {
            return new WebhookOutcome("The event has no usable id or type.");
        }

        var (orderId, paymentRef, apply) = Plan(stripeEvent);
        var record = new PaymentEvent
        {
            Id = stripeEvent.Id, Provider = PaymentOptions.Stripe, Type = stripeEvent.Type,
            PaymentRef = stripeEvent.Type == OrderSettlement.ChargeRefunded && apply ? paymentRef : null, ReceivedAt = time.GetUtcNow(),
        };
        var result = await settlement.RunAsync(record, paymentRef, async token =>
        {
            if (!apply)
            {
                return null;
            }
            var id = orderId ?? (paymentRef is null ? null : await settlement.FindByPaymentAsync(paymentRef, token));
            if (id is not { } order)
            {
                LogUnknownOrder(logger, stripeEvent.Id, stripeEvent.Type);
                return null;
            }
            return stripeEvent.Type switch
            {
                "checkout.session.completed" or "checkout.session.async_payment_succeeded" => await settlement.MarkPaidAsync(order, paymentRef, token),
                "checkout.session.expired" or "checkout.session.async_payment_failed" => await settlement.MarkFailedAsync(order, token),
                _ => await settlement.MarkRefundedAsync(order, paymentRef, token),
            };
        }, ct);
        return result.Duplicate ? new WebhookOutcome(null, Duplicate: true) : WebhookOutcome.Applied;
    }

    /// <summary>Which order an event is about, which payment, and whether it changes anything.</summary>
    private static (Guid? OrderId, string? PaymentRef, bool Apply) Plan(Event stripeEvent)
    {
        switch (stripeEvent.Data?.Object)
        {
            case Session session when stripeEvent.Type is "checkout.session.completed":
                // Delayed payment methods complete the session unpaid; async_payment_succeeded follows.
                return (OrderOf(session.Metadata, session.ClientReferenceId), session.PaymentIntentId, session.PaymentStatus == "paid");
            case Session session when stripeEvent.Type is "checkout.session.async_payment_succeeded"
                or "checkout.session.expired" or "checkout.session.async_payment_failed":
                return (OrderOf(session.Metadata, session.ClientReferenceId), session.PaymentIntentId, true);
            case Charge charge when stripeEvent.Type is OrderSettlement.ChargeRefunded:
                // A partial refund leaves the course open; only a full refund ends the order.
                return (OrderOf(charge.Metadata, null), charge.PaymentIntentId, charge.Refunded);
            default:
                return (null, null, false);
        }
    }

    private static Guid? OrderOf(Dictionary<string, string>? metadata, string? clientReference) =>
        metadata is not null && metadata.TryGetValue(StripePaymentProvider.OrderIdKey, out var value) && Guid.TryParse(value, out var fromMetadata)
            ? fromMetadata
            : Guid.TryParse(clientReference, out var fromReference) ? fromReference : null;

    [LoggerMessage(LogLevel.Warning, "Stripe webhook refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(LogLevel.Warning, "Stripe event {EventId} ({Type}) names no order of ours; recorded and ignored")]
    private static partial void LogUnknownOrder(ILogger logger, string eventId, string type);
}
