using System.Net;
using System.Text;
using System.Text.Json;
using LearnStream.Api.Tests.Catalog;
using LearnStream.Api.Tests.Enrollment;
using LearnStream.Api.Tests.Infrastructure;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;

namespace LearnStream.Api.Tests.Payments;

/// <summary>A learner's purchase: the course, the learner and the order (as the checkout answered it).</summary>
public sealed record Purchase(PublishedCourse Course, TestUser Learner, JsonElement Order)
{
    public string OrderId => Order.Str("orderId");

    public string Token => Learner.Tokens.AccessToken;
}

/// <summary>Client-side payment steps the payment tests repeat, all through HTTP.</summary>
public static class PaymentsTestApi
{
    public const string MyOrders = "/api/v1/me/orders";
    public const string StripeWebhook = "/api/v1/webhooks/stripe";
    public const string LessonBody = "Lesson body text";

    public static string CheckoutUrl(string courseId) => $"{Courses}/{courseId}/checkout";

    public static string CompleteUrl(string orderId) => $"/api/v1/payments/manual/{orderId}/complete";

    public static string RefundUrl(string orderId) => $"/api/v1/admin/orders/{orderId}/refund";

    public static Task<HttpResponseMessage> CheckoutAsync(this HttpClient client, string? token, string courseId, string? key = null, object? body = null)
    {
        var request = Request(HttpMethod.Post, CheckoutUrl(courseId), token, body);
        if (key is not null)
        {
            Assert.True(request.Headers.TryAddWithoutValidation("Idempotency-Key", key));
        }
        return client.SendAsync(request);
    }

    public static async Task<JsonElement> CheckoutOkAsync(this HttpClient client, string token, string courseId, string? key = null)
    {
        using var response = await client.CheckoutAsync(token, courseId, key);
        return await response.JsonAsync(HttpStatusCode.Created);
    }

    public static Task<HttpResponseMessage> CompleteAsync(this HttpClient client, string? token, string orderId, object? body = null) =>
        client.SendAsync(HttpMethod.Post, CompleteUrl(orderId), token, body);

    public static async Task<JsonElement> CompleteOkAsync(this HttpClient client, string token, string orderId)
    {
        using var response = await client.CompleteAsync(token, orderId);
        return await response.JsonAsync(HttpStatusCode.OK);
    }

    public static async Task<List<JsonElement>> MyOrdersAsync(this HttpClient client, string token)
    {
        using var response = await client.SendAsync(HttpMethod.Get, MyOrders, token);
        var list = await response.JsonAsync(HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Array, list.ValueKind);
        return [.. list.EnumerateArray()];
    }

    /// <summary>The order as its owner's GET /me/orders lists it; fails unless it is listed exactly once.</summary>
    public static async Task<JsonElement> MyOrderAsync(this HttpClient client, string token, string orderId)
    {
        var orders = await client.MyOrdersAsync(token);
        return Assert.Single(orders, o => o.Str("orderId") == orderId);
    }

    public static Task<HttpResponseMessage> RefundAsync(this HttpClient client, string? token, string orderId) =>
        client.SendAsync(HttpMethod.Post, RefundUrl(orderId), token);

    public static async Task<JsonElement> RefundOkAsync(this HttpClient client, string orderId)
    {
        var admin = await client.LoginAdminAsync();
        using var response = await client.RefundAsync(admin.AccessToken, orderId);
        return await response.JsonAsync(HttpStatusCode.OK);
    }

    /// <summary>The learner's enrollment status in the course as GET /me/enrollments lists it, or null when not listed.</summary>
    public static async Task<string?> EnrollmentStatusAsync(this HttpClient client, string token, string courseId) =>
        (await client.MyEnrollmentAsync(token, courseId))?.Str("status");

    /// <summary>A new learner with a pending order for a new paid course.</summary>
    public static async Task<Purchase> PendingPurchaseAsync(this HttpClient client, long amount = 1999, string? key = null)
    {
        var course = await client.PaidCourseAsync(amount);
        var learner = await client.NewUserAsync();
        var order = await client.CheckoutOkAsync(learner.Tokens.AccessToken, course.Id, key);
        Assert.Equal("pending", order.Str("status"));
        return new Purchase(course, learner, order);
    }

    /// <summary>A new learner who bought a new paid course with the manual provider.</summary>
    public static async Task<Purchase> ManualPurchaseAsync(this HttpClient client, long amount = 1999)
    {
        var purchase = await client.PendingPurchaseAsync(amount);
        var paid = await client.CompleteOkAsync(purchase.Token, purchase.OrderId);
        Assert.Equal("paid", paid.Str("status"));
        return purchase;
    }

    /// <summary>A new learner who bought a new paid course through Stripe: checkout, then a signed checkout.session.completed.</summary>
    public static async Task<(Purchase Purchase, string PaymentIntent)> StripePurchaseAsync(this HttpClient client, StripeEmulator stripe)
    {
        var purchase = await client.PendingPurchaseAsync();
        var paymentIntent = StripeEmulator.NewId("pi");
        stripe.RecordPayment(paymentIntent, purchase.Order.GetProperty("amount").GetInt64(), purchase.Order.Str("currency").ToLowerInvariant());
        await client.DeliverAsync(StripeEvents.Session(StripeEvents.Completed, purchase.Order, paymentIntent));
        Assert.Equal("paid", (await client.MyOrderAsync(purchase.Token, purchase.OrderId)).Str("status"));
        return (purchase, paymentIntent);
    }

    /// <summary>Posts a webhook body exactly as given, with this Stripe-Signature header (none when null).</summary>
    public static Task<HttpResponseMessage> PostWebhookAsync(this HttpClient client, string body, string? signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, StripeWebhook)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        }
        return client.SendAsync(request);
    }

    /// <summary>Delivers a correctly signed event and expects it acknowledged; returns the receipt.</summary>
    public static async Task<JsonElement> DeliverAsync(this HttpClient client, string body)
    {
        using var response = await client.PostWebhookAsync(body, StripeEvents.Sign(body));
        var receipt = await response.JsonAsync(HttpStatusCode.OK);
        Assert.True(receipt.GetProperty("received").GetBoolean());
        return receipt;
    }

    /// <summary>Sends all requests at once and reads every answer (status and body), disposing the responses.</summary>
    public static async Task<List<(HttpStatusCode Status, string Body)>> AllAtOnceAsync(IEnumerable<Func<Task<HttpResponseMessage>>> requests)
    {
        var answers = new List<(HttpStatusCode, string)>();
        foreach (var response in await Task.WhenAll(requests.Select(send => Task.Run(send))))
        {
            using (response)
            {
                answers.Add((response.StatusCode, await response.Content.ReadAsStringAsync()));
            }
        }
        return answers;
    }
}
