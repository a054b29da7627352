using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LearnStream.Api.Tests.Catalog;

namespace LearnStream.Api.Tests.Payments;

/// <summary>
/// Webhook events as Stripe sends them (the event envelope around a Checkout Session or a Charge), and
/// Stripe's signature over them: "t=&lt;unix&gt;,v1=&lt;hex HMAC-SHA256 of "{t}.{body}" keyed with the whole secret&gt;".
/// </summary>
public static class StripeEvents
{
    public const string Completed = "checkout.session.completed";
    public const string Expired = "checkout.session.expired";
    public const string AsyncSucceeded = "checkout.session.async_payment_succeeded";
    public const string AsyncFailed = "checkout.session.async_payment_failed";
    public const string ChargeRefunded = "charge.refunded";

    /// <summary>A Checkout Session event about <paramref name="order"/> (a checkout response of ours).</summary>
    public static string Session(string type, JsonElement order, string? paymentIntent, string? paymentStatus = null)
    {
        var orderId = order.Str("orderId");
        var complete = type is Completed or AsyncSucceeded or AsyncFailed;
        var created = DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds();
        var session = new Dictionary<string, object?>
        {
            ["id"] = SessionId(order), ["object"] = "checkout.session",
            ["amount_subtotal"] = order.GetProperty("amount").GetInt64(), ["amount_total"] = order.GetProperty("amount").GetInt64(),
            ["client_reference_id"] = orderId, ["created"] = created, ["currency"] = order.Str("currency").ToLowerInvariant(),
            ["customer"] = null, ["expires_at"] = created + 86400, ["livemode"] = false,
            ["metadata"] = new Dictionary<string, string> { ["order_id"] = orderId }, ["mode"] = "payment",
            ["payment_intent"] = paymentIntent, ["payment_method_types"] = new[] { "card" },
            ["payment_status"] = paymentStatus ?? (type is Completed or AsyncSucceeded ? "paid" : "unpaid"),
            ["status"] = complete ? "complete" : "expired", ["url"] = null,
        };
        return Envelope(type, session);
    }

    /// <summary>
    /// charge.refunded for the one charge of <paramref name="paymentIntent"/>: a full refund when
    /// <paramref name="amountRefunded"/> is the whole amount. The charge carries the PaymentIntent's
    /// metadata (our order id) when <paramref name="namesOrder"/>.
    /// </summary>
    public static string Refunded(JsonElement order, string paymentIntent, long amountRefunded, bool namesOrder = true)
    {
        var amount = order.GetProperty("amount").GetInt64();
        var charge = new Dictionary<string, object?>
        {
            ["id"] = StripeEmulator.ChargeOf(paymentIntent), ["object"] = "charge", ["amount"] = amount, ["amount_captured"] = amount,
            ["amount_refunded"] = amountRefunded, ["balance_transaction"] = StripeEmulator.NewId("txn"), ["captured"] = true,
            ["created"] = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), ["currency"] = order.Str("currency").ToLowerInvariant(),
            ["livemode"] = false, ["metadata"] = namesOrder ? new Dictionary<string, string> { ["order_id"] = order.Str("orderId") } : [],
            ["paid"] = true, ["payment_intent"] = paymentIntent, ["refunded"] = amountRefunded == amount, ["status"] = "succeeded",
        };
        return Envelope(ChargeRefunded, charge);
    }

    /// <summary>The Checkout Session id Stripe gave the order: the last segment of its checkout URL, or a made-up one.</summary>
    public static string SessionId(JsonElement order) =>
        order.TryGetProperty("checkoutUrl", out var url) && url.GetString() is { } text && text.Contains("/pay/cs_", StringComparison.Ordinal)
            ? text[(text.LastIndexOf('/') + 1)..]
            : StripeEmulator.NewId("cs");

    /// <summary>The Stripe-Signature header for <paramref name="body"/> signed at <paramref name="timestamp"/> (default: now).</summary>
    public static string Sign(string body, long? timestamp = null, string secret = StripeEmulator.WebhookSecret)
    {
        var t = (timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}"));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    private static string Envelope(string type, object data) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["id"] = StripeEmulator.NewId("evt"), ["object"] = "event", ["api_version"] = Stripe.StripeConfiguration.ApiVersion,
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["data"] = new Dictionary<string, object?> { ["object"] = data },
        ["livemode"] = false, ["pending_webhooks"] = 1,
        ["request"] = new Dictionary<string, object?> { ["id"] = null, ["idempotency_key"] = null }, ["type"] = type,
    });
}
