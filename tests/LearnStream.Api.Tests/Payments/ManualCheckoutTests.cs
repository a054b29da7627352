using System.Net;
using LearnStream.Api.Tests.Enrollment;
using LearnStream.Api.Tests.Infrastructure;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;
using static LearnStream.Api.Tests.Payments.PaymentsTestApi;

namespace LearnStream.Api.Tests.Payments;

/// <summary>Buying a course with the default (manual) provider: checkout, complete, and what each step opens.</summary>
public abstract class ManualCheckoutTests(StoreFixture fixture)
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    [Fact]
    public async Task Checkout_of_a_paid_course_is_201_pending_with_the_course_price_and_withholds_the_lessons()
    {
        var course = await _client.PaidCourseAsync(amount: 2499);
        var learner = await _client.NewUserAsync();

        using var response = await _client.CheckoutAsync(learner.Tokens.AccessToken, course.Id);
        var order = await response.JsonAsync(HttpStatusCode.Created);

        var orderId = order.Str("orderId");
        Assert.True(Guid.TryParse(orderId, out _), orderId);
        Assert.Equal("pending", order.Str("status"));
        Assert.Equal(2499, order.GetProperty("amount").GetInt64());
        Assert.Equal("USD", order.Str("currency"));
        Assert.Equal(course.Id, order.Str("courseId"));
        Assert.Equal("manual", order.Str("provider"));
        Assert.EndsWith(CompleteUrl(orderId), order.Str("checkoutUrl"), StringComparison.Ordinal);
        Assert.True(order.IsNull("paidAt"), order.GetRawText());
        Assert.Null(await _client.LessonBodyAsync(learner.Tokens.AccessToken, course.LessonId));
        Assert.Null(await _client.MyEnrollmentAsync(learner.Tokens.AccessToken, course.Id));
        Assert.Equal("pending", (await _client.MyOrderAsync(learner.Tokens.AccessToken, orderId)).Str("status"));
    }

    [Fact]
    public async Task Completing_the_order_as_its_owner_pays_it_enrolls_the_learner_and_opens_the_lessons()
    {
        var purchase = await _client.PendingPurchaseAsync();

        using var response = await _client.CompleteAsync(purchase.Token, purchase.OrderId);
        var paid = await response.JsonAsync(HttpStatusCode.OK);

        Assert.Equal(purchase.OrderId, paid.Str("orderId"));
        Assert.Equal("paid", paid.Str("status"));
        Assert.InRange(paid.UtcTime("paidAt"), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.True(paid.IsNull("checkoutUrl"), paid.GetRawText());
        Assert.Equal("active", await _client.EnrollmentStatusAsync(purchase.Token, purchase.Course.Id));
        Assert.Equal(LessonBody, await _client.LessonBodyAsync(purchase.Token, purchase.Course.LessonId));
        var listed = await _client.MyOrderAsync(purchase.Token, purchase.OrderId);
        Assert.Equal("paid", listed.Str("status"));
        Assert.Equal(paid.UtcTime("paidAt"), listed.UtcTime("paidAt"));
    }

    [Fact]
    public async Task Completing_a_paid_order_again_is_a_harmless_replay()
    {
        var purchase = await _client.ManualPurchaseAsync();
        var first = await _client.MyOrderAsync(purchase.Token, purchase.OrderId);

        using var again = await _client.CompleteAsync(purchase.Token, purchase.OrderId);
        var replayed = await again.JsonAsync(HttpStatusCode.OK);

        Assert.Equal("paid", replayed.Str("status"));
        Assert.Equal(first.UtcTime("paidAt"), replayed.UtcTime("paidAt"));
        Assert.Single(await _client.MyOrdersAsync(purchase.Token));
        Assert.Single(await _client.MyEnrollmentsAsync(purchase.Token));
        Assert.Equal(LessonBody, await _client.LessonBodyAsync(purchase.Token, purchase.Course.LessonId));
    }

    [Fact]
    public async Task Checkout_of_a_course_already_owned_is_409_problem_and_makes_no_order()
    {
        var purchase = await _client.ManualPurchaseAsync();

        using var again = await _client.CheckoutAsync(purchase.Token, purchase.Course.Id);

        await again.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Single(await _client.MyOrdersAsync(purchase.Token));
    }

    [Fact]
    public async Task Checkout_of_a_free_course_is_409_problem_and_makes_no_order()
    {
        var course = await _client.PublishedCourseAsync();
        var learner = await _client.NewUserAsync();

        using var response = await _client.CheckoutAsync(learner.Tokens.AccessToken, course.Id);

        await response.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Empty(await _client.MyOrdersAsync(learner.Tokens.AccessToken));
    }

    [Theory]
    [InlineData("draft")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("not-a-course")]
    public async Task Checkout_of_a_draft_or_unknown_course_is_404_problem(string which)
    {
        var owner = await _client.NewUserWithRoleAsync("instructor");
        var draftId = (await _client.CreateCourseAsync(owner.Tokens.AccessToken,
            new { title = $"Draft {Marker()}", price = new { amount = 999, currency = "USD" } })).Str("id");
        var learner = await _client.NewUserAsync();

        using var response = await _client.CheckoutAsync(learner.Tokens.AccessToken, which == "draft" ? draftId : which);

        await response.ProblemAsync(HttpStatusCode.NotFound);
        Assert.Empty(await _client.MyOrdersAsync(learner.Tokens.AccessToken));
    }

    [Fact]
    public async Task Checkout_orders_and_complete_are_401_anonymously()
    {
        var purchase = await _client.PendingPurchaseAsync();

        using var checkout = await _client.CheckoutAsync(null, purchase.Course.Id);
        using var orders = await _client.SendAsync(HttpMethod.Get, MyOrders, null);
        using var complete = await _client.CompleteAsync(null, purchase.OrderId);

        Assert.Equal(HttpStatusCode.Unauthorized, checkout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, orders.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, complete.StatusCode);
        Assert.Equal("pending", (await _client.MyOrderAsync(purchase.Token, purchase.OrderId)).Str("status"));
    }

    [Fact]
    public async Task An_order_keeps_the_price_it_was_made_with_when_the_course_price_changes()
    {
        var purchase = await _client.PendingPurchaseAsync(amount: 1500);
        using (var changed = await _client.SendAsync(HttpMethod.Patch, $"{Courses}/{purchase.Course.Id}", purchase.Course.Owner.Tokens.AccessToken,
            new { price = new { amount = 9900, currency = "USD" } }))
        {
            Assert.True(changed.IsSuccessStatusCode, $"price change: {(int)changed.StatusCode} {await changed.Content.ReadAsStringAsync()}");
        }

        var paid = await _client.CompleteOkAsync(purchase.Token, purchase.OrderId);

        Assert.Equal(1500, paid.GetProperty("amount").GetInt64());
        Assert.Equal("paid", paid.Str("status"));
    }
}

public sealed class ManualCheckoutTests_Sqlite(SqliteFixture fixture) : ManualCheckoutTests(fixture), IClassFixture<SqliteFixture>;

public sealed class ManualCheckoutTests_Postgres(PostgresRedisFixture fixture) : ManualCheckoutTests(fixture), IClassFixture<PostgresRedisFixture>;
