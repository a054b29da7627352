using System.Net;
using System.Text.Json;
using LearnStream.Api.Tests.Enrollment;
using LearnStream.Api.Tests.Infrastructure;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;
using static LearnStream.Api.Tests.Payments.PaymentsTestApi;

namespace LearnStream.Api.Tests.Payments;

/// <summary>Stripe delivers at least once and in any order: replays, concurrent duplicates and refunds that overtake payments.</summary>
public abstract class StripeWebhookDeliveryTests(StoreFixture fixture, StripeEmulator stripe)
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    [Fact]
    public async Task Replayed_webhook_changes_nothing()
    {
        var purchase = await _client.PendingPurchaseAsync();
        var paymentIntent = StripeEmulator.NewId("pi");
        stripe.RecordPayment(paymentIntent, purchase.Order.GetProperty("amount").GetInt64(), "usd");
        var completed = StripeEvents.Session(StripeEvents.Completed, purchase.Order, paymentIntent);
        await _client.DeliverAsync(completed);
        var paidAt = (await _client.MyOrderAsync(purchase.Token, purchase.OrderId)).UtcTime("paidAt");
        await _client.RefundOkAsync(purchase.OrderId);

        var receipt = await _client.DeliverAsync(completed);

        Assert.True(receipt.GetProperty("duplicate").GetBoolean());
        var order = await _client.MyOrderAsync(purchase.Token, purchase.OrderId);
        Assert.Equal("refunded", order.Str("status"));
        Assert.Equal(paidAt, order.UtcTime("paidAt"));
        Assert.Equal("refunded", await _client.EnrollmentStatusAsync(purchase.Token, purchase.Course.Id));
        Assert.Null(await _client.LessonBodyAsync(purchase.Token, purchase.Course.LessonId));
    }

    [Fact]
    public async Task Ten_concurrent_deliveries_of_one_event_pay_the_order_once()
    {
        var purchase = await _client.PendingPurchaseAsync();
        var completed = StripeEvents.Session(StripeEvents.Completed, purchase.Order, StripeEmulator.NewId("pi"));
        var signature = StripeEvents.Sign(completed);

        var answers = await AllAtOnceAsync(Enumerable.Range(0, 10)
            .Select(_ => (Func<Task<HttpResponseMessage>>)(() => _client.PostWebhookAsync(completed, signature))));

        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.OK, $"{(int)a.Status}: {a.Body}"));
        var duplicates = answers.Select(a => JsonSerializer.Deserialize<JsonElement>(a.Body).GetProperty("duplicate").GetBoolean()).ToList();
        Assert.Equal(1, duplicates.Count(d => !d));
        var order = await _client.MyOrderAsync(purchase.Token, purchase.OrderId);
        Assert.Equal("paid", order.Str("status"));
        var paidAt = order.UtcTime("paidAt");
        await _client.DeliverAsync(completed);
        Assert.Equal(paidAt, (await _client.MyOrderAsync(purchase.Token, purchase.OrderId)).UtcTime("paidAt"));
        var enrollment = Assert.Single(await _client.MyEnrollmentsAsync(purchase.Token));
        Assert.Equal("active", enrollment.Str("status"));
        Assert.Equal(LessonBody, await _client.LessonBodyAsync(purchase.Token, purchase.Course.LessonId));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_full_refund_delivered_before_the_completion_leaves_the_order_refunded_and_the_lessons_closed(bool chargeNamesOrder)
    {
        var purchase = await _client.PendingPurchaseAsync();
        var paymentIntent = StripeEmulator.NewId("pi");
        var amount = purchase.Order.GetProperty("amount").GetInt64();

        await _client.DeliverAsync(StripeEvents.Refunded(purchase.Order, paymentIntent, amountRefunded: amount, namesOrder: chargeNamesOrder));
        await _client.DeliverAsync(StripeEvents.Session(StripeEvents.Completed, purchase.Order, paymentIntent));

        var order = await _client.MyOrderAsync(purchase.Token, purchase.OrderId);
        Assert.Equal("refunded", order.Str("status"));
        Assert.False(order.IsNull("refundedAt"), order.GetRawText());
        var enrollment = await _client.EnrollmentStatusAsync(purchase.Token, purchase.Course.Id);
        Assert.True(enrollment is null or "refunded", $"enrollment after a refunded payment: {enrollment}");
        Assert.Null(await _client.LessonBodyAsync(purchase.Token, purchase.Course.LessonId));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_full_refund_racing_the_completion_never_leaves_the_course_open(bool chargeNamesOrder)
    {
        var course = await _client.PaidCourseAsync();
        var learners = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _client.NewUserAsync()));
        var orders = new List<JsonElement>();
        foreach (var learner in learners)
        {
            orders.Add(await _client.CheckoutOkAsync(learner.Tokens.AccessToken, course.Id));
        }

        var deliveries = orders.SelectMany(order =>
        {
            var paymentIntent = StripeEmulator.NewId("pi");
            var refunded = StripeEvents.Refunded(order, paymentIntent, order.GetProperty("amount").GetInt64(), chargeNamesOrder);
            var completed = StripeEvents.Session(StripeEvents.Completed, order, paymentIntent);
            return new[] { refunded, completed };
        });
        var answers = await AllAtOnceAsync(deliveries.Select(body =>
            (Func<Task<HttpResponseMessage>>)(() => _client.PostWebhookAsync(body, StripeEvents.Sign(body)))));

        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.OK, $"{(int)a.Status}: {a.Body}"));
        for (var i = 0; i < learners.Length; i++)
        {
            var token = learners[i].Tokens.AccessToken;
            Assert.Equal("refunded", (await _client.MyOrderAsync(token, orders[i].Str("orderId"))).Str("status"));
            Assert.Null(await _client.LessonBodyAsync(token, course.LessonId));
        }
    }

    [Fact]
    public async Task A_partial_refund_leaves_the_order_paid_and_the_lessons_open()
    {
        var purchase = await _client.PendingPurchaseAsync();
        var paymentIntent = StripeEmulator.NewId("pi");
        await _client.DeliverAsync(StripeEvents.Session(StripeEvents.Completed, purchase.Order, paymentIntent));

        await _client.DeliverAsync(StripeEvents.Refunded(purchase.Order, paymentIntent, amountRefunded: 500));

        var order = await _client.MyOrderAsync(purchase.Token, purchase.OrderId);
        Assert.Equal("paid", order.Str("status"));
        Assert.True(order.IsNull("refundedAt"), order.GetRawText());
        Assert.Equal("active", await _client.EnrollmentStatusAsync(purchase.Token, purchase.Course.Id));
        Assert.Equal(LessonBody, await _client.LessonBodyAsync(purchase.Token, purchase.Course.LessonId));
    }

    [Fact]
    public async Task A_full_refund_made_at_Stripe_refunds_the_order_and_closes_the_lessons()
    {
        var purchase = await _client.PendingPurchaseAsync();
        var paymentIntent = StripeEmulator.NewId("pi");
        await _client.DeliverAsync(StripeEvents.Session(StripeEvents.Completed, purchase.Order, paymentIntent));
        Assert.Equal(LessonBody, await _client.LessonBodyAsync(purchase.Token, purchase.Course.LessonId));

        await _client.DeliverAsync(StripeEvents.Refunded(purchase.Order, paymentIntent,
            amountRefunded: purchase.Order.GetProperty("amount").GetInt64(), namesOrder: false));

        Assert.Equal("refunded", (await _client.MyOrderAsync(purchase.Token, purchase.OrderId)).Str("status"));
        Assert.Equal("refunded", await _client.EnrollmentStatusAsync(purchase.Token, purchase.Course.Id));
        Assert.Null(await _client.LessonBodyAsync(purchase.Token, purchase.Course.LessonId));
    }

    [Fact]
    public async Task An_expiry_delivered_after_the_completion_leaves_the_order_paid()
    {
        var purchase = await _client.PendingPurchaseAsync();
        await _client.DeliverAsync(StripeEvents.Session(StripeEvents.Completed, purchase.Order, StripeEmulator.NewId("pi")));

        await _client.DeliverAsync(StripeEvents.Session(StripeEvents.Expired, purchase.Order, paymentIntent: null));

        Assert.Equal("paid", (await _client.MyOrderAsync(purchase.Token, purchase.OrderId)).Str("status"));
        Assert.Equal(LessonBody, await _client.LessonBodyAsync(purchase.Token, purchase.Course.LessonId));
    }
}

public sealed class StripeWebhookDeliveryTests_Sqlite(StripeSqliteFixture fixture)
    : StripeWebhookDeliveryTests(fixture, fixture.Stripe), IClassFixture<StripeSqliteFixture>;

public sealed class StripeWebhookDeliveryTests_Postgres(StripePostgresFixture fixture)
    : StripeWebhookDeliveryTests(fixture, fixture.Stripe), IClassFixture<StripePostgresFixture>;
