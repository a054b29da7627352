using System.Net;
using LearnStream.Api.Tests.Enrollment;
using LearnStream.Api.Tests.Infrastructure;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;
using static LearnStream.Api.Tests.Payments.PaymentsTestApi;

namespace LearnStream.Api.Tests.Payments;

/// <summary>An admin refunding a paid order (manual provider): access ends at once, and only paid orders can be refunded.</summary>
public abstract class RefundTests(StoreFixture fixture)
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    [Fact]
    public async Task Admin_refund_of_a_paid_order_is_200_refunded_and_closes_the_lessons_at_once()
    {
        var purchase = await _client.ManualPurchaseAsync();
        Assert.Equal(LessonBody, await _client.LessonBodyAsync(purchase.Token, purchase.Course.LessonId));

        var refunded = await _client.RefundOkAsync(purchase.OrderId);

        Assert.Equal(purchase.OrderId, refunded.Str("orderId"));
        Assert.Equal("refunded", refunded.Str("status"));
        Assert.InRange(refunded.UtcTime("refundedAt"), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.False(refunded.IsNull("paidAt"), refunded.GetRawText());
        Assert.Equal("refunded", await _client.EnrollmentStatusAsync(purchase.Token, purchase.Course.Id));
        Assert.Null(await _client.LessonBodyAsync(purchase.Token, purchase.Course.LessonId));
        Assert.Equal("refunded", (await _client.MyOrderAsync(purchase.Token, purchase.OrderId)).Str("status"));
    }

    [Fact]
    public async Task Refunding_a_pending_order_is_409_problem_and_leaves_it_pending()
    {
        var purchase = await _client.PendingPurchaseAsync();
        var admin = await _client.LoginAdminAsync();

        using var response = await _client.RefundAsync(admin.AccessToken, purchase.OrderId);

        await response.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("pending", (await _client.MyOrderAsync(purchase.Token, purchase.OrderId)).Str("status"));
    }

    [Fact]
    public async Task Refunding_twice_is_409_problem_and_keeps_the_first_refund()
    {
        var purchase = await _client.ManualPurchaseAsync();
        var first = await _client.RefundOkAsync(purchase.OrderId);
        var admin = await _client.LoginAdminAsync();

        using var again = await _client.RefundAsync(admin.AccessToken, purchase.OrderId);

        await again.ProblemAsync(HttpStatusCode.Conflict);
        var order = await _client.MyOrderAsync(purchase.Token, purchase.OrderId);
        Assert.Equal("refunded", order.Str("status"));
        Assert.Equal(first.UtcTime("refundedAt"), order.UtcTime("refundedAt"));
    }

    [Fact]
    public async Task Completing_a_refunded_order_again_is_409_problem_and_does_not_reopen_the_course()
    {
        var purchase = await _client.ManualPurchaseAsync();
        await _client.RefundOkAsync(purchase.OrderId);

        using var again = await _client.CompleteAsync(purchase.Token, purchase.OrderId);

        await again.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("refunded", (await _client.MyOrderAsync(purchase.Token, purchase.OrderId)).Str("status"));
        Assert.Equal("refunded", await _client.EnrollmentStatusAsync(purchase.Token, purchase.Course.Id));
        Assert.Null(await _client.LessonBodyAsync(purchase.Token, purchase.Course.LessonId));
    }

    [Fact]
    public async Task Refund_by_a_student_the_buyer_or_the_course_instructor_is_403_and_the_order_stays_paid()
    {
        var purchase = await _client.ManualPurchaseAsync();
        var student = await _client.NewUserAsync();
        var instructor = await _client.NewUserWithRoleAsync("instructor");

        foreach (var token in new[] { student.Tokens.AccessToken, purchase.Token, purchase.Course.Owner.Tokens.AccessToken, instructor.Tokens.AccessToken })
        {
            using var response = await _client.RefundAsync(token, purchase.OrderId);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
        using var anonymous = await _client.RefundAsync(null, purchase.OrderId);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("paid", (await _client.MyOrderAsync(purchase.Token, purchase.OrderId)).Str("status"));
        Assert.Equal(LessonBody, await _client.LessonBodyAsync(purchase.Token, purchase.Course.LessonId));
    }

    [Theory]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("not-an-order")]
    public async Task Refund_of_an_unknown_order_is_404_problem(string orderId)
    {
        var admin = await _client.LoginAdminAsync();

        using var response = await _client.RefundAsync(admin.AccessToken, orderId);

        await response.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task After_a_refund_the_learner_can_buy_the_course_again_with_a_new_order()
    {
        var purchase = await _client.ManualPurchaseAsync();
        await _client.RefundOkAsync(purchase.OrderId);

        var again = await _client.CheckoutOkAsync(purchase.Token, purchase.Course.Id);
        await _client.CompleteOkAsync(purchase.Token, again.Str("orderId"));

        Assert.NotEqual(purchase.OrderId, again.Str("orderId"));
        Assert.Equal("active", await _client.EnrollmentStatusAsync(purchase.Token, purchase.Course.Id));
        Assert.Equal(LessonBody, await _client.LessonBodyAsync(purchase.Token, purchase.Course.LessonId));
        Assert.Equal("refunded", (await _client.MyOrderAsync(purchase.Token, purchase.OrderId)).Str("status"));
    }
}

public sealed class RefundTests_Sqlite(SqliteFixture fixture) : RefundTests(fixture), IClassFixture<SqliteFixture>;

public sealed class RefundTests_Postgres(PostgresRedisFixture fixture) : RefundTests(fixture), IClassFixture<PostgresRedisFixture>;
