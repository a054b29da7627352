using System.Net;
using LearnStream.Api.Tests.Enrollment;
using LearnStream.Api.Tests.Infrastructure;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;
using static LearnStream.Api.Tests.Payments.PaymentsTestApi;

namespace LearnStream.Api.Tests.Payments;

/// <summary>Whose orders a learner may touch or see, and that nothing a client sends can set a price or a status.</summary>
public abstract class PaymentAccessTests(StoreFixture fixture)
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    [Fact]
    public async Task A_learner_cannot_complete_someone_elses_order_and_it_stays_pending()
    {
        var purchase = await _client.PendingPurchaseAsync();
        var intruder = await _client.NewUserAsync();

        using var response = await _client.CompleteAsync(intruder.Tokens.AccessToken, purchase.OrderId);

        await response.ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("pending", (await _client.MyOrderAsync(purchase.Token, purchase.OrderId)).Str("status"));
        Assert.Null(await _client.MyEnrollmentAsync(purchase.Token, purchase.Course.Id));
        Assert.Null(await _client.MyEnrollmentAsync(intruder.Tokens.AccessToken, purchase.Course.Id));
        Assert.Null(await _client.LessonBodyAsync(intruder.Tokens.AccessToken, purchase.Course.LessonId));
    }

    [Theory]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("not-an-order")]
    public async Task Completing_an_unknown_order_is_404_problem(string orderId)
    {
        var learner = await _client.NewUserAsync();

        using var response = await _client.CompleteAsync(learner.Tokens.AccessToken, orderId);

        await response.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task My_orders_lists_only_my_own_orders_newest_first()
    {
        var mine = await _client.ManualPurchaseAsync();
        await Task.Delay(20);
        var second = await _client.CheckoutOkAsync(mine.Token, (await _client.PaidCourseAsync()).Id);
        var theirs = await _client.PendingPurchaseAsync();

        var listed = await _client.MyOrdersAsync(mine.Token);

        Assert.Equal([second.Str("orderId"), mine.OrderId], listed.Select(o => o.Str("orderId")));
        Assert.DoesNotContain(theirs.OrderId, string.Join(",", listed.Select(o => o.GetRawText())), StringComparison.Ordinal);
        Assert.Equal([theirs.OrderId], (await _client.MyOrdersAsync(theirs.Token)).Select(o => o.Str("orderId")));
    }

    [Fact]
    public async Task A_buyer_cannot_read_the_course_roster()
    {
        var purchase = await _client.ManualPurchaseAsync();

        using var response = await _client.SendAsync(HttpMethod.Get, EnrollmentTestApi.RosterUrl(purchase.Course.Id), purchase.Token);

        await response.ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Paying_an_order_opened_before_a_revoke_does_not_lift_the_revoke()
    {
        var purchase = await _client.PendingPurchaseAsync();
        await _client.GrantOkAsync(purchase.Course.Id, purchase.Learner.Id);
        var admin = await _client.LoginAdminAsync();
        using (var revoked = await _client.RevokeAsync(admin.AccessToken, purchase.Course.Id, purchase.Learner.Id))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        var paid = await _client.CompleteOkAsync(purchase.Token, purchase.OrderId);

        Assert.Equal("paid", paid.Str("status"));
        Assert.Equal("revoked", await _client.EnrollmentStatusAsync(purchase.Token, purchase.Course.Id));
        Assert.Null(await _client.LessonBodyAsync(purchase.Token, purchase.Course.LessonId));
    }

    [Fact]
    public async Task The_Stripe_webhook_route_is_404_when_the_provider_is_manual()
    {
        var purchase = await _client.PendingPurchaseAsync();
        var body = StripeEvents.Session(StripeEvents.Completed, purchase.Order, StripeEmulator.NewId("pi"));

        using var response = await _client.PostWebhookAsync(body, StripeEvents.Sign(body));

        await response.ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("pending", (await _client.MyOrderAsync(purchase.Token, purchase.OrderId)).Str("status"));
    }

    [Fact]
    public async Task A_checkout_body_cannot_set_the_price_the_status_or_the_buyer()
    {
        var course = await _client.PaidCourseAsync(amount: 4999);
        var learner = await _client.NewUserAsync();
        var victim = await _client.NewUserAsync();

        using var response = await _client.CheckoutAsync(learner.Tokens.AccessToken, course.Id,
            body: new { amount = 1, currency = "EUR", status = "paid", userId = victim.Id, provider = "free", paidAt = DateTimeOffset.UtcNow });
        var order = await response.JsonAsync(HttpStatusCode.Created);

        Assert.Equal(4999, order.GetProperty("amount").GetInt64());
        Assert.Equal("USD", order.Str("currency"));
        Assert.Equal("pending", order.Str("status"));
        Assert.Equal("manual", order.Str("provider"));
        Assert.True(order.IsNull("paidAt"), order.GetRawText());
        Assert.Single(await _client.MyOrdersAsync(learner.Tokens.AccessToken));
        Assert.Empty(await _client.MyOrdersAsync(victim.Tokens.AccessToken));
        Assert.Null(await _client.LessonBodyAsync(learner.Tokens.AccessToken, course.LessonId));
    }

    [Fact]
    public async Task A_complete_body_cannot_change_the_amount()
    {
        var purchase = await _client.PendingPurchaseAsync(amount: 3999);

        using var response = await _client.CompleteAsync(purchase.Token, purchase.OrderId, new { amount = 1, currency = "EUR" });
        var paid = await response.JsonAsync(HttpStatusCode.OK);

        Assert.Equal(3999, paid.GetProperty("amount").GetInt64());
        Assert.Equal("USD", paid.Str("currency"));
        var listed = await _client.MyOrderAsync(purchase.Token, purchase.OrderId);
        Assert.Equal(3999, listed.GetProperty("amount").GetInt64());
        Assert.Equal("paid", listed.Str("status"));
    }
}

public sealed class PaymentAccessTests_Sqlite(SqliteFixture fixture) : PaymentAccessTests(fixture), IClassFixture<SqliteFixture>;

public sealed class PaymentAccessTests_Postgres(PostgresRedisFixture fixture) : PaymentAccessTests(fixture), IClassFixture<PostgresRedisFixture>;
