using System.Net;
using LearnStream.Api.Tests.Enrollment;
using LearnStream.Api.Tests.Infrastructure;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;
using static LearnStream.Api.Tests.Payments.PaymentsTestApi;

namespace LearnStream.Api.Tests.Payments;

/// <summary>Only a delivery Stripe signed, over exactly this body and recently, may change an order.</summary>
public abstract class StripeWebhookSignatureTests(StoreFixture fixture)
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    public static TheoryData<string> Forgeries =>
    [
        "missing header", "empty header", "wrong secret", "tampered body", "stale timestamp", "timestamp far ahead",
        "malformed header", "unsigned scheme only", "garbage body signed", "signed event without a type", "signed event id too long",
    ];

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task A_delivery_that_does_not_verify_is_400_problem_and_leaves_the_order_pending(string forgery)
    {
        var purchase = await _client.PendingPurchaseAsync();
        var body = StripeEvents.Session(StripeEvents.Completed, purchase.Order, StripeEmulator.NewId("pi"));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        (string Body, string? Signature) sent = forgery switch
        {
            "missing header" => (body, null),
            "empty header" => (body, ""),
            "wrong secret" => (body, StripeEvents.Sign(body, secret: "whsec_test_someone_elses_secret")),
            "tampered body" => Tampered(purchase),
            "stale timestamp" => (body, StripeEvents.Sign(body, now - 301 - 60)),
            "timestamp far ahead" => (body, StripeEvents.Sign(body, now + 3600)),
            "malformed header" => (body, "this is not a Stripe signature"),
            "unsigned scheme only" => (body, StripeEvents.Sign(body).Replace("v1=", "v0=", StringComparison.Ordinal)),
            "signed event without a type" => Resigned(body, b => b.Remove("type")),
            "signed event id too long" => Resigned(body, b => b["id"] = "evt_" + new string('x', 300)),
            _ => ("<html>not json</html>", StripeEvents.Sign("<html>not json</html>")),
        };

        using var response = await _client.PostWebhookAsync(sent.Body, sent.Signature);

        await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("pending", (await _client.MyOrderAsync(purchase.Token, purchase.OrderId)).Str("status"));
        Assert.Null(await _client.MyEnrollmentAsync(purchase.Token, purchase.Course.Id));
        Assert.Null(await _client.LessonBodyAsync(purchase.Token, purchase.Course.LessonId));
    }

    /// <summary>A correctly signed event whose content our side cannot store: it must be refused, not fail.</summary>
    private static (string, string?) Resigned(string body, Action<System.Text.Json.Nodes.JsonObject> change)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(body)!.AsObject();
        change(json);
        var changed = json.ToJsonString();
        return (changed, StripeEvents.Sign(changed));
    }

    /// <summary>A genuinely signed "completed but unpaid" event, turned into "paid" after signing.</summary>
    private static (string, string?) Tampered(Purchase purchase)
    {
        var unpaid = StripeEvents.Session(StripeEvents.Completed, purchase.Order, StripeEmulator.NewId("pi"), paymentStatus: "unpaid");
        var paid = unpaid.Replace("\"payment_status\":\"unpaid\"", "\"payment_status\":\"paid\"", StringComparison.Ordinal);
        Assert.NotEqual(unpaid, paid);
        return (paid, StripeEvents.Sign(unpaid));
    }

    [Fact]
    public async Task A_refused_delivery_does_not_use_up_its_event_id()
    {
        var purchase = await _client.PendingPurchaseAsync();
        var body = StripeEvents.Session(StripeEvents.Completed, purchase.Order, StripeEmulator.NewId("pi"));
        using (var forged = await _client.PostWebhookAsync(body, StripeEvents.Sign(body, secret: "whsec_test_wrong")))
        {
            await forged.ProblemAsync(HttpStatusCode.BadRequest);
        }

        var receipt = await _client.DeliverAsync(body);

        Assert.False(receipt.GetProperty("duplicate").GetBoolean());
        Assert.Equal("paid", (await _client.MyOrderAsync(purchase.Token, purchase.OrderId)).Str("status"));
    }

    [Fact]
    public async Task A_signed_event_for_no_order_of_ours_is_acknowledged_and_changes_nothing()
    {
        var purchase = await _client.PendingPurchaseAsync();
        var stranger = purchase.Order.GetRawText().Replace(purchase.OrderId, Guid.NewGuid().ToString(), StringComparison.Ordinal);
        var body = StripeEvents.Session(StripeEvents.Completed, System.Text.Json.JsonDocument.Parse(stranger).RootElement, StripeEmulator.NewId("pi"));

        var receipt = await _client.DeliverAsync(body);

        Assert.False(receipt.GetProperty("duplicate").GetBoolean());
        Assert.Equal("pending", (await _client.MyOrderAsync(purchase.Token, purchase.OrderId)).Str("status"));
    }
}

public sealed class StripeWebhookSignatureTests_Sqlite(StripeSqliteFixture fixture)
    : StripeWebhookSignatureTests(fixture), IClassFixture<StripeSqliteFixture>;

public sealed class StripeWebhookSignatureTests_Postgres(StripePostgresFixture fixture)
    : StripeWebhookSignatureTests(fixture), IClassFixture<StripePostgresFixture>;
