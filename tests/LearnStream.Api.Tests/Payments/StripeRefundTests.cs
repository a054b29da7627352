using System.Net;
using LearnStream.Api.Tests.Enrollment;
using LearnStream.Api.Tests.Infrastructure;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;
using static LearnStream.Api.Tests.Payments.PaymentsTestApi;

namespace LearnStream.Api.Tests.Payments;

/// <summary>An admin refund of a Stripe payment: the money goes back at Stripe first, and the order changes only when it did.</summary>
public abstract class StripeRefundTests(StoreFixture fixture, StripeEmulator stripe)
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    [Fact]
    public async Task Admin_refund_refunds_the_payment_at_Stripe_with_an_idempotency_key_and_closes_the_lessons()
    {
        var (purchase, paymentIntent) = await _client.StripePurchaseAsync(stripe);
        Assert.Equal(LessonBody, await _client.LessonBodyAsync(purchase.Token, purchase.Course.LessonId));

        var refunded = await _client.RefundOkAsync(purchase.OrderId);

        var call = Assert.Single(stripe.RefundRequestsFor(paymentIntent));
        Assert.Equal(paymentIntent, call.Field("payment_intent"));
        Assert.False(string.IsNullOrWhiteSpace(call.IdempotencyKey), "the refund request carries no Idempotency-Key");
        Assert.False(call.Form.ContainsKey("amount"), "a partial amount was sent for a full refund");
        Assert.Equal("refunded", refunded.Str("status"));
        Assert.Equal("refunded", await _client.EnrollmentStatusAsync(purchase.Token, purchase.Course.Id));
        Assert.Null(await _client.LessonBodyAsync(purchase.Token, purchase.Course.LessonId));
    }

    [Fact]
    public async Task The_charge_refunded_webhook_that_follows_an_admin_refund_changes_nothing()
    {
        var (purchase, paymentIntent) = await _client.StripePurchaseAsync(stripe);
        var refunded = await _client.RefundOkAsync(purchase.OrderId);

        var receipt = await _client.DeliverAsync(StripeEvents.Refunded(purchase.Order, paymentIntent,
            amountRefunded: purchase.Order.GetProperty("amount").GetInt64()));

        Assert.False(receipt.GetProperty("duplicate").GetBoolean());
        var order = await _client.MyOrderAsync(purchase.Token, purchase.OrderId);
        Assert.Equal("refunded", order.Str("status"));
        Assert.Equal(refunded.UtcTime("refundedAt"), order.UtcTime("refundedAt"));
        Assert.Equal("refunded", await _client.EnrollmentStatusAsync(purchase.Token, purchase.Course.Id));
        Assert.Single(stripe.RefundRequestsFor(paymentIntent));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(400)]
    public async Task Stripe_refusing_the_refund_is_502_problem_and_the_order_stays_paid(int stripeStatus)
    {
        var (purchase, paymentIntent) = await _client.StripePurchaseAsync(stripe);
        stripe.FailRefundsOf(paymentIntent, stripeStatus);
        var admin = await _client.LoginAdminAsync();

        using var response = await _client.RefundAsync(admin.AccessToken, purchase.OrderId);

        await response.ProblemAsync(HttpStatusCode.BadGateway);
        Assert.NotEmpty(stripe.RefundRequestsFor(paymentIntent));
        var order = await _client.MyOrderAsync(purchase.Token, purchase.OrderId);
        Assert.Equal("paid", order.Str("status"));
        Assert.True(order.IsNull("refundedAt"), order.GetRawText());
        Assert.Equal("active", await _client.EnrollmentStatusAsync(purchase.Token, purchase.Course.Id));
        Assert.Equal(LessonBody, await _client.LessonBodyAsync(purchase.Token, purchase.Course.LessonId));
    }

    [Fact]
    public async Task Refunding_a_pending_Stripe_order_is_409_problem_and_asks_Stripe_nothing()
    {
        var purchase = await _client.PendingPurchaseAsync();
        var admin = await _client.LoginAdminAsync();
        var before = stripe.Calls("/v1/refunds").Count;

        using var response = await _client.RefundAsync(admin.AccessToken, purchase.OrderId);

        await response.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(before, stripe.Calls("/v1/refunds").Count);
        Assert.Equal("pending", (await _client.MyOrderAsync(purchase.Token, purchase.OrderId)).Str("status"));
    }
}

public sealed class StripeRefundTests_Sqlite(StripeSqliteFixture fixture)
    : StripeRefundTests(fixture, fixture.Stripe), IClassFixture<StripeSqliteFixture>;

public sealed class StripeRefundTests_Postgres(StripePostgresFixture fixture)
    : StripeRefundTests(fixture, fixture.Stripe), IClassFixture<StripePostgresFixture>;
