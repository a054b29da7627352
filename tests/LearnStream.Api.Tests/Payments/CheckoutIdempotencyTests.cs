using System.Net;
using System.Text.Json;
using LearnStream.Api.Tests.Enrollment;
using LearnStream.Api.Tests.Infrastructure;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;
using static LearnStream.Api.Tests.Payments.PaymentsTestApi;

namespace LearnStream.Api.Tests.Payments;

/// <summary>Retried and concurrent checkouts land on one order: by Idempotency-Key, and by the one open order per learner and course.</summary>
public abstract class CheckoutIdempotencyTests(StoreFixture fixture)
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    private static string NewKey() => $"checkout-{Guid.NewGuid():N}";

    [Fact]
    public async Task Same_key_from_the_same_learner_returns_the_same_order_even_after_it_was_paid()
    {
        var key = NewKey();
        var purchase = await _client.PendingPurchaseAsync(key: key);

        var replay = await _client.CheckoutOkAsync(purchase.Token, purchase.Course.Id, key);
        await _client.CompleteOkAsync(purchase.Token, purchase.OrderId);
        var afterPaid = await _client.CheckoutOkAsync(purchase.Token, purchase.Course.Id, key);

        Assert.Equal(purchase.OrderId, replay.Str("orderId"));
        Assert.Equal("pending", replay.Str("status"));
        Assert.Equal(purchase.OrderId, afterPaid.Str("orderId"));
        Assert.Equal("paid", afterPaid.Str("status"));
        Assert.Single(await _client.MyOrdersAsync(purchase.Token));
    }

    [Fact]
    public async Task Same_key_for_another_course_is_422_problem_and_makes_no_order()
    {
        var key = NewKey();
        var purchase = await _client.PendingPurchaseAsync(key: key);
        var other = await _client.PaidCourseAsync();

        using var response = await _client.CheckoutAsync(purchase.Token, other.Id, key);

        await response.ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal([purchase.OrderId], (await _client.MyOrdersAsync(purchase.Token)).Select(o => o.Str("orderId")));
    }

    [Fact]
    public async Task Same_key_from_another_learner_gives_that_learner_an_order_of_their_own()
    {
        var key = NewKey();
        var purchase = await _client.PendingPurchaseAsync(key: key);
        var other = await _client.NewUserAsync();

        var theirs = await _client.CheckoutOkAsync(other.Tokens.AccessToken, purchase.Course.Id, key);

        Assert.NotEqual(purchase.OrderId, theirs.Str("orderId"));
        Assert.Equal("pending", theirs.Str("status"));
        Assert.Equal([theirs.Str("orderId")], (await _client.MyOrdersAsync(other.Tokens.AccessToken)).Select(o => o.Str("orderId")));
        Assert.Equal([purchase.OrderId], (await _client.MyOrdersAsync(purchase.Token)).Select(o => o.Str("orderId")));
    }

    public static TheoryData<string> InvalidKeys => [new string('k', 300), "key\u0001with-control", "key with spaces", "clé-non-ascii"];

    [Theory]
    [MemberData(nameof(InvalidKeys))]
    public async Task An_invalid_idempotency_key_is_400_problem_and_makes_no_order(string key)
    {
        var course = await _client.PaidCourseAsync();
        var learner = await _client.NewUserAsync();

        using var response = await _client.CheckoutAsync(learner.Tokens.AccessToken, course.Id, key);

        await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Empty(await _client.MyOrdersAsync(learner.Tokens.AccessToken));
    }

    [Fact]
    public async Task Two_idempotency_keys_on_one_request_are_400_problem()
    {
        var course = await _client.PaidCourseAsync();
        var learner = await _client.NewUserAsync();
        using var request = Request(HttpMethod.Post, CheckoutUrl(course.Id), learner.Tokens.AccessToken);
        request.Headers.Add("Idempotency-Key", [NewKey(), NewKey()]);

        using var response = await _client.SendAsync(request);

        await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Empty(await _client.MyOrdersAsync(learner.Tokens.AccessToken));
    }

    [Fact]
    public async Task Without_a_key_a_second_checkout_while_one_is_pending_returns_the_same_order()
    {
        var purchase = await _client.PendingPurchaseAsync();

        var second = await _client.CheckoutOkAsync(purchase.Token, purchase.Course.Id);

        Assert.Equal(purchase.OrderId, second.Str("orderId"));
        Assert.Equal("pending", second.Str("status"));
        Assert.Equal(purchase.Order.Str("checkoutUrl"), second.Str("checkoutUrl"));
        Assert.Single(await _client.MyOrdersAsync(purchase.Token));
    }

    [Fact]
    public async Task A_key_sent_after_a_keyless_checkout_still_finds_the_order_once_it_is_paid()
    {
        var purchase = await _client.PendingPurchaseAsync();
        var key = NewKey();

        var keyed = await _client.CheckoutOkAsync(purchase.Token, purchase.Course.Id, key);
        await _client.CompleteOkAsync(purchase.Token, purchase.OrderId);
        var replay = await _client.CheckoutOkAsync(purchase.Token, purchase.Course.Id, key);

        Assert.Equal(purchase.OrderId, keyed.Str("orderId"));
        Assert.Equal(purchase.OrderId, replay.Str("orderId"));
        Assert.Equal("paid", replay.Str("status"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Twenty_concurrent_checkouts_by_one_learner_all_get_the_same_pending_order(bool withKey)
    {
        var course = await _client.PaidCourseAsync();
        var learner = await _client.NewUserAsync();
        var key = withKey ? NewKey() : null;

        var answers = await AllAtOnceAsync(Enumerable.Range(0, 20)
            .Select(_ => (Func<Task<HttpResponseMessage>>)(() => _client.CheckoutAsync(learner.Tokens.AccessToken, course.Id, key))));

        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.Created, $"{(int)a.Status}: {a.Body}"));
        var orders = answers.Select(a => JsonSerializer.Deserialize<JsonElement>(a.Body)).ToList();
        Assert.Single(orders.Select(o => o.Str("orderId")).Distinct());
        Assert.All(orders, o => Assert.Equal("pending", o.Str("status")));
        Assert.Single(orders.Select(o => o.Str("checkoutUrl")).Distinct());
        var listed = Assert.Single(await _client.MyOrdersAsync(learner.Tokens.AccessToken));
        Assert.Equal(orders[0].Str("orderId"), listed.Str("orderId"));
    }
}

public sealed class CheckoutIdempotencyTests_Sqlite(SqliteFixture fixture) : CheckoutIdempotencyTests(fixture), IClassFixture<SqliteFixture>;

public sealed class CheckoutIdempotencyTests_Postgres(PostgresRedisFixture fixture) : CheckoutIdempotencyTests(fixture), IClassFixture<PostgresRedisFixture>;
