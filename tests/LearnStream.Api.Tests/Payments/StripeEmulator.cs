using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace LearnStream.Api.Tests.Payments;

/// <summary>One request the emulated Stripe received: its path, its form fields and its Idempotency-Key.</summary>
public sealed record StripeCall(string Path, IReadOnlyDictionary<string, string> Form, string? IdempotencyKey)
{
    public string Field(string name) => Form.TryGetValue(name, out var value) ? value : throw new Xunit.Sdk.XunitException(
        $"Stripe received no '{name}'; it received: {string.Join("&", Form.Select(f => $"{f.Key}={f.Value}"))}");
}

/// <summary>
/// Stripe's API at its HTTP boundary, for the real Stripe.net client: Checkout Sessions and Refunds
/// answered with the objects Stripe documents, form-encoded requests read like Stripe reads them, and a
/// repeated Idempotency-Key answered with the saved reply (or 400 when the parameters differ), as Stripe does.
/// </summary>
public sealed class StripeEmulator : IDisposable
{
    public const string SecretKey = "sk_test_learnstream_emulated_0000";
    public const string WebhookSecret = "whsec_test_learnstream_emulated_0000";

    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly ConcurrentDictionary<string, (string Body, ResponseMessage Reply)> _idempotent = new();
    private readonly ConcurrentDictionary<string, (long Amount, string Currency)> _payments = new();
    private readonly ConcurrentDictionary<string, int> _refundFailures = new();
    private readonly ConcurrentDictionary<long, int> _sessionFailures = new();
    private readonly ConcurrentDictionary<string, bool> _stalled = new();

    public StripeEmulator()
    {
        _server.Given(Request.Create().WithPath("/v1/checkout/sessions").UsingPost())
            .RespondWith(Response.Create().WithCallback(request => AnswerAsync(request, CreateSession)));
        _server.Given(Request.Create().WithPath("/v1/refunds").UsingPost())
            .RespondWith(Response.Create().WithCallback(request => AnswerAsync(request, CreateRefund)));
    }

    /// <summary>How long a stalled request waits before Stripe answers: longer than the service's Stripe client waits in tests.</summary>
    public static TimeSpan Stall { get; } = TimeSpan.FromSeconds(10);


    public string Url => _server.Url!;

    /// <summary>The settings that put the service on this emulator.</summary>
    public void Configure(Dictionary<string, string?> settings)
    {
        settings["Payments:Provider"] = "stripe";
        settings["Stripe:SecretKey"] = SecretKey;
        settings["Stripe:WebhookSecret"] = WebhookSecret;
        settings["Stripe:ApiBaseUrl"] = Url;
    }

    /// <summary>Stripe now knows a succeeded PaymentIntent, so a refund of it can be answered.</summary>
    public void RecordPayment(string paymentIntent, long amount, string currency) => _payments[paymentIntent] = (amount, currency);

    /// <summary>Refunds of this PaymentIntent are answered with this status and a Stripe error body.</summary>
    public void FailRefundsOf(string paymentIntent, int status) => _refundFailures[paymentIntent] = status;

    /// <summary>The next new session at this unit amount is answered with this status (and saved under its key, as Stripe does).</summary>
    public void FailNextSessionAt(long unitAmount, int status) => _sessionFailures[unitAmount] = status;

    /// <summary>Sessions at this unit amount are answered only after <see cref="Stall"/>.</summary>
    public void StallSessionsAt(long unitAmount) => _stalled[$"amount {unitAmount}"] = true;

    /// <summary>Refunds of this PaymentIntent are answered only after <see cref="Stall"/>.</summary>
    public void StallRefundsOf(string paymentIntent) => _stalled[$"payment_intent {paymentIntent}"] = true;

    public IReadOnlyList<StripeCall> Calls(string path) =>
        [.. _server.LogEntries.Select(e => e.RequestMessage).OfType<IRequestMessage>().Where(r => r.Path == path).OrderBy(r => r.DateTime).Select(ToCall)];

    public IReadOnlyList<StripeCall> SessionRequestsFor(string orderId) =>
        [.. Calls("/v1/checkout/sessions").Where(c => c.Form.GetValueOrDefault("metadata[order_id]") == orderId)];

    public IReadOnlyList<StripeCall> RefundRequestsFor(string paymentIntent) =>
        [.. Calls("/v1/refunds").Where(c => c.Form.GetValueOrDefault("payment_intent") == paymentIntent)];

    public static string NewId(string prefix) => $"{prefix}_test_{Guid.NewGuid():N}";

    private static StripeCall ToCall(IRequestMessage request) => new(
        request.Path,
        QueryHelpers.ParseQuery(request.Body ?? "").ToDictionary(p => p.Key, p => p.Value.ToString()),
        request.Headers?.TryGetValue("Idempotency-Key", out var keys) == true ? keys.FirstOrDefault() : null);

    private async Task<IResponseMessage> AnswerAsync(IRequestMessage request, Func<StripeCall, ResponseMessage> create)
    {
        var form = ToCall(request).Form;
        if (_stalled.ContainsKey($"amount {form.GetValueOrDefault("line_items[0][price_data][unit_amount]")}")
            || _stalled.ContainsKey($"payment_intent {form.GetValueOrDefault("payment_intent")}"))
        {
            await Task.Delay(Stall);
        }
        return Idempotent(request, create);
    }

    private ResponseMessage Idempotent(IRequestMessage request, Func<StripeCall, ResponseMessage> create)
    {
        var call = ToCall(request);
        if (request.Headers?.TryGetValue("Authorization", out var auth) != true || auth!.FirstOrDefault() != $"Bearer {SecretKey}")
        {
            return Error(401, "invalid_request_error", "Invalid API Key provided.");
        }
        if (call.IdempotencyKey is null)
        {
            return create(call);
        }
        var saved = _idempotent.GetOrAdd($"{request.Path} {call.IdempotencyKey}", _ => (request.Body ?? "", create(call)));
        return saved.Body == (request.Body ?? "")
            ? saved.Reply
            : Error(400, "idempotency_error",
                "Keys for idempotent requests can only be used with the same parameters they were first used with.");
    }

    private ResponseMessage CreateSession(StripeCall call)
    {
        var id = NewId("cs");
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var unitAmount = long.Parse(call.Field("line_items[0][price_data][unit_amount]"), System.Globalization.CultureInfo.InvariantCulture);
        if (_sessionFailures.TryRemove(unitAmount, out var status))
        {
            return status >= 500
                ? Error(status, "api_error", "An unknown error occurred.")
                : Error(status, "invalid_request_error", "This account cannot currently make live charges.");
        }
        var amount = unitAmount * long.Parse(call.Form.GetValueOrDefault("line_items[0][quantity]", "1"), System.Globalization.CultureInfo.InvariantCulture);
        return Json(200, new Dictionary<string, object?>
        {
            ["id"] = id, ["object"] = "checkout.session", ["amount_subtotal"] = amount, ["amount_total"] = amount,
            ["cancel_url"] = call.Form.GetValueOrDefault("cancel_url"), ["success_url"] = call.Form.GetValueOrDefault("success_url"),
            ["client_reference_id"] = call.Form.GetValueOrDefault("client_reference_id"), ["created"] = created,
            ["currency"] = call.Field("line_items[0][price_data][currency]"), ["customer"] = null, ["customer_email"] = null,
            ["expires_at"] = created + 86400, ["livemode"] = false, ["locale"] = null, ["metadata"] = Metadata(call),
            ["mode"] = call.Field("mode"), ["payment_intent"] = null, ["payment_method_types"] = new[] { "card" },
            ["payment_status"] = "unpaid", ["status"] = "open", ["url"] = $"https://checkout.stripe.com/c/pay/{id}",
        });
    }

    private ResponseMessage CreateRefund(StripeCall call)
    {
        var paymentIntent = call.Field("payment_intent");
        if (_refundFailures.TryGetValue(paymentIntent, out var status))
        {
            return status >= 500
                ? Error(status, "api_error", "An unknown error occurred.")
                : Error(status, "invalid_request_error", $"Charge for {paymentIntent} has already been refunded.", "charge_already_refunded");
        }
        if (!_payments.TryGetValue(paymentIntent, out var payment))
        {
            return Error(400, "invalid_request_error", $"No such payment_intent: '{paymentIntent}'", "resource_missing");
        }
        return Json(200, new Dictionary<string, object?>
        {
            ["id"] = NewId("re"), ["object"] = "refund", ["amount"] = payment.Amount, ["balance_transaction"] = NewId("txn"),
            ["charge"] = ChargeOf(paymentIntent), ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["currency"] = payment.Currency,
            ["metadata"] = Metadata(call), ["payment_intent"] = paymentIntent, ["reason"] = null, ["status"] = "succeeded",
        });
    }

    /// <summary>The Charge id Stripe gives the one charge of a PaymentIntent in these tests.</summary>
    public static string ChargeOf(string paymentIntent) => "ch_" + paymentIntent["pi_".Length..];

    private static Dictionary<string, string> Metadata(StripeCall call) =>
        call.Form.Where(f => f.Key.StartsWith("metadata[", StringComparison.Ordinal))
            .ToDictionary(f => f.Key["metadata[".Length..^1], f => f.Value);

    private static ResponseMessage Error(int status, string type, string message, string? code = null) =>
        Json(status, new { error = new { type, message, code } });

    private static ResponseMessage Json(int status, object body) => new()
    {
        StatusCode = status,
        Headers = new Dictionary<string, WireMockList<string>>
        {
            ["Content-Type"] = new("application/json"),
            ["Request-Id"] = new("req_" + Guid.NewGuid().ToString("N")[..14]),
        },
        BodyData = new BodyData
        {
            BodyAsString = JsonSerializer.Serialize(body), DetectedBodyType = BodyType.String, Encoding = Encoding.UTF8,
        },
    };

    public void Dispose() => _server.Stop();
}
