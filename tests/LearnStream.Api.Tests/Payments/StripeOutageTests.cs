using System.Net;
using LearnStream.Api.Tests.Enrollment;
using LearnStream.Api.Tests.Infrastructure;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;
using static LearnStream.Api.Tests.Payments.PaymentsTestApi;

namespace LearnStream.Api.Tests.Payments;

/// <summary>Stripe failing or not answering: the learner gets a 502 they can retry, never a 500 or a checkout stuck for good.</summary>
public abstract class StripeOutageTests(StoreFixture fixture, StripeEmulator stripe)
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    [Theory]
    [InlineData(500, 4101)]
    [InlineData(400, 4102)]
    public async Task A_Stripe_error_creating_the_session_is_502_and_a_retry_with_the_same_key_gets_a_fresh_session(int stripeStatus, long price)
    {
        var course = await _client.PaidCourseAsync(amount: price);
        var learner = await _client.NewUserAsync();
        var key = $"checkout-{Guid.NewGuid():N}";
        stripe.FailNextSessionAt(price, stripeStatus);

        using (var failed = await _client.CheckoutAsync(learner.Tokens.AccessToken, course.Id, key))
        {
            await failed.ProblemAsync(HttpStatusCode.BadGateway);
        }
        using var retried = await _client.CheckoutAsync(learner.Tokens.AccessToken, course.Id, key);
        var order = await retried.JsonAsync(HttpStatusCode.Created);

        // Stripe saved the failed answer under the first attempt's idempotency key for 24 hours;
        // the retry must reach Stripe under another one to get anything but that answer again.
        Assert.Equal("pending", order.Str("status"));
        Assert.StartsWith("https://checkout.stripe.com/c/pay/cs_test_", order.Str("checkoutUrl"), StringComparison.Ordinal);
        Assert.Single(stripe.SessionRequestsFor(order.Str("orderId")).Select(c => c.IdempotencyKey).Distinct());
        Assert.Single(await _client.MyOrdersAsync(learner.Tokens.AccessToken), o => o.Str("status") == "pending");
    }

    [Fact]
    public async Task Stripe_not_answering_a_checkout_is_502_problem_not_500()
    {
        const long price = 4103;
        var course = await _client.PaidCourseAsync(amount: price);
        var learner = await _client.NewUserAsync();
        stripe.StallSessionsAt(price);

        using var response = await _client.CheckoutAsync(learner.Tokens.AccessToken, course.Id);

        await response.ProblemAsync(HttpStatusCode.BadGateway);
        Assert.Null(await _client.LessonBodyAsync(learner.Tokens.AccessToken, course.LessonId));
    }

    [Fact]
    public async Task Stripe_not_answering_a_refund_is_502_problem_and_the_order_stays_paid()
    {
        var (purchase, paymentIntent) = await _client.StripePurchaseAsync(stripe);
        stripe.StallRefundsOf(paymentIntent);
        var admin = await _client.LoginAdminAsync();

        using var response = await _client.RefundAsync(admin.AccessToken, purchase.OrderId);

        await response.ProblemAsync(HttpStatusCode.BadGateway);
        Assert.Equal("paid", (await _client.MyOrderAsync(purchase.Token, purchase.OrderId)).Str("status"));
        Assert.Equal(LessonBody, await _client.LessonBodyAsync(purchase.Token, purchase.Course.LessonId));
    }
}

public sealed class StripeOutageTests_Sqlite(StripeSqliteFixture fixture)
    : StripeOutageTests(fixture, fixture.Stripe), IClassFixture<StripeSqliteFixture>;

public sealed class StripeOutageTests_Postgres(StripePostgresFixture fixture)
    : StripeOutageTests(fixture, fixture.Stripe), IClassFixture<StripePostgresFixture>;
