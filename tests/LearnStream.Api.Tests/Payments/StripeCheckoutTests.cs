using System.Net;
using System.Text.Json;
using LearnStream.Api.Tests.Enrollment;
using LearnStream.Api.Tests.Infrastructure;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;
using static LearnStream.Api.Tests.Payments.PaymentsTestApi;

namespace LearnStream.Api.Tests.Payments;

/// <summary>Buying through Stripe Checkout: the session we ask Stripe for, and what each session event does to the order.</summary>
public abstract class StripeCheckoutTests(StoreFixture fixture, StripeEmulator stripe)
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    [Fact]
    public async Task Checkout_creates_a_Stripe_session_for_the_order_at_the_course_price_and_returns_its_url()
    {
        var course = await _client.PaidCourseAsync(amount: 2499);
        var learner = await _client.NewUserAsync();

        var order = await _client.CheckoutOkAsync(learner.Tokens.AccessToken, course.Id);

        var orderId = order.Str("orderId");
        var call = Assert.Single(stripe.SessionRequestsFor(orderId));
        Assert.Equal(orderId, call.Field("metadata[order_id]"));
        Assert.Equal(orderId, call.Field("client_reference_id"));
        Assert.Equal("2499", call.Field("line_items[0][price_data][unit_amount]"));
        Assert.Equal("usd", call.Field("line_items[0][price_data][currency]"));
        Assert.Equal("1", call.Field("line_items[0][quantity]"));
        Assert.Equal("payment", call.Field("mode"));
        Assert.False(string.IsNullOrWhiteSpace(call.IdempotencyKey), "the session request carries no Idempotency-Key");
        Assert.Equal("pending", order.Str("status"));
        Assert.Equal("stripe", order.Str("provider"));
        Assert.Equal(2499, order.GetProperty("amount").GetInt64());
        Assert.StartsWith("https://checkout.stripe.com/c/pay/cs_test_", order.Str("checkoutUrl"), StringComparison.Ordinal);
        Assert.Null(await _client.LessonBodyAsync(learner.Tokens.AccessToken, course.LessonId));
    }

    [Fact]
    public async Task Signed_completed_webhook_pays_the_order_enrolls_the_learner_and_opens_the_lessons()
    {
        var purchase = await _client.PendingPurchaseAsync();
        var paymentIntent = StripeEmulator.NewId("pi");

        var receipt = await _client.DeliverAsync(StripeEvents.Session(StripeEvents.Completed, purchase.Order, paymentIntent));

        Assert.False(receipt.GetProperty("duplicate").GetBoolean());
        var order = await _client.MyOrderAsync(purchase.Token, purchase.OrderId);
        Assert.Equal("paid", order.Str("status"));
        Assert.True(order.UtcTime("paidAt") > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.Equal("active", await _client.EnrollmentStatusAsync(purchase.Token, purchase.Course.Id));
        Assert.Equal(LessonBody, await _client.LessonBodyAsync(purchase.Token, purchase.Course.LessonId));
    }

    [Fact]
    public async Task Expired_session_fails_the_order_and_a_new_checkout_makes_a_new_order_and_session()
    {
        var purchase = await _client.PendingPurchaseAsync();

        await _client.DeliverAsync(StripeEvents.Session(StripeEvents.Expired, purchase.Order, paymentIntent: null));
        var again = await _client.CheckoutOkAsync(purchase.Token, purchase.Course.Id);

        var expired = await _client.MyOrderAsync(purchase.Token, purchase.OrderId);
        Assert.Equal("failed", expired.Str("status"));
        Assert.True(expired.IsNull("checkoutUrl"), expired.GetRawText());
        Assert.NotEqual(purchase.OrderId, again.Str("orderId"));
        Assert.Equal("pending", again.Str("status"));
        Assert.NotEqual(purchase.Order.Str("checkoutUrl"), again.Str("checkoutUrl"));
        Assert.Single(stripe.SessionRequestsFor(again.Str("orderId")));
        Assert.Null(await _client.LessonBodyAsync(purchase.Token, purchase.Course.LessonId));
    }

    [Fact]
    public async Task Unpaid_completion_opens_nothing_until_the_async_payment_succeeds()
    {
        var purchase = await _client.PendingPurchaseAsync();
        var paymentIntent = StripeEmulator.NewId("pi");

        await _client.DeliverAsync(StripeEvents.Session(StripeEvents.Completed, purchase.Order, paymentIntent, paymentStatus: "unpaid"));
        var whileProcessing = await _client.MyOrderAsync(purchase.Token, purchase.OrderId);
        var bodyWhileProcessing = await _client.LessonBodyAsync(purchase.Token, purchase.Course.LessonId);
        await _client.DeliverAsync(StripeEvents.Session(StripeEvents.AsyncSucceeded, purchase.Order, paymentIntent));

        Assert.Equal("pending", whileProcessing.Str("status"));
        Assert.Null(bodyWhileProcessing);
        Assert.Equal("paid", (await _client.MyOrderAsync(purchase.Token, purchase.OrderId)).Str("status"));
        Assert.Equal("active", await _client.EnrollmentStatusAsync(purchase.Token, purchase.Course.Id));
        Assert.Equal(LessonBody, await _client.LessonBodyAsync(purchase.Token, purchase.Course.LessonId));
    }

    [Fact]
    public async Task Async_payment_failure_fails_the_order_and_keeps_the_lessons_closed()
    {
        var purchase = await _client.PendingPurchaseAsync();
        var paymentIntent = StripeEmulator.NewId("pi");

        await _client.DeliverAsync(StripeEvents.Session(StripeEvents.Completed, purchase.Order, paymentIntent, paymentStatus: "unpaid"));
        await _client.DeliverAsync(StripeEvents.Session(StripeEvents.AsyncFailed, purchase.Order, paymentIntent));

        Assert.Equal("failed", (await _client.MyOrderAsync(purchase.Token, purchase.OrderId)).Str("status"));
        Assert.Null(await _client.MyEnrollmentAsync(purchase.Token, purchase.Course.Id));
        Assert.Null(await _client.LessonBodyAsync(purchase.Token, purchase.Course.LessonId));
    }

    [Fact]
    public async Task Twenty_concurrent_checkouts_with_one_key_make_one_order_and_one_Stripe_session()
    {
        var course = await _client.PaidCourseAsync();
        var learner = await _client.NewUserAsync();
        var key = $"checkout-{Guid.NewGuid():N}";

        var answers = await AllAtOnceAsync(Enumerable.Range(0, 20)
            .Select(_ => (Func<Task<HttpResponseMessage>>)(() => _client.CheckoutAsync(learner.Tokens.AccessToken, course.Id, key))));

        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.Created, $"{(int)a.Status}: {a.Body}"));
        var orders = answers.Select(a => JsonSerializer.Deserialize<JsonElement>(a.Body)).ToList();
        var orderId = Assert.Single(orders.Select(o => o.Str("orderId")).Distinct());
        Assert.Single(orders.Select(o => o.Str("checkoutUrl")).Distinct());
        Assert.Single(await _client.MyOrdersAsync(learner.Tokens.AccessToken));
        var calls = stripe.SessionRequestsFor(orderId);
        Assert.NotEmpty(calls);
        Assert.Single(calls.Select(c => c.IdempotencyKey).Distinct());
    }

    [Fact]
    public async Task The_manual_complete_route_is_404_when_the_provider_is_stripe()
    {
        var purchase = await _client.PendingPurchaseAsync();

        using var response = await _client.CompleteAsync(purchase.Token, purchase.OrderId);

        await response.ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("pending", (await _client.MyOrderAsync(purchase.Token, purchase.OrderId)).Str("status"));
        Assert.Null(await _client.LessonBodyAsync(purchase.Token, purchase.Course.LessonId));
    }
}

public sealed class StripeCheckoutTests_Sqlite(StripeSqliteFixture fixture)
    : StripeCheckoutTests(fixture, fixture.Stripe), IClassFixture<StripeSqliteFixture>;

public sealed class StripeCheckoutTests_Postgres(StripePostgresFixture fixture)
    : StripeCheckoutTests(fixture, fixture.Stripe), IClassFixture<StripePostgresFixture>;
