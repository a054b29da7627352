using System.Text;
using LearnStream.Api.Common;
using LearnStream.Api.Data;
using LearnStream.Api.Features.Auth;
using LearnStream.Api.Features.Catalog;
using LearnStream.Api.Features.Enrollment;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LearnStream.Api.Features.Payments;

public sealed record OrderResponse(
    Guid OrderId, string CourseId, string CourseTitle, long Amount, string Currency, OrderStatus Status, string Provider,
    string? CheckoutUrl, DateTimeOffset CreatedAt, DateTimeOffset? PaidAt, DateTimeOffset? RefundedAt);

public sealed record WebhookReceipt(bool Received, bool Duplicate);

public static class PaymentsApi
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static IEndpointRouteBuilder MapPaymentEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/courses/{id}/checkout", Checkout).WithTags("Payments").RequireAuthorization().Produces<OrderResponse>(201);
        app.MapGet("/api/v1/me/orders", MyOrders).WithTags("Payments").RequireAuthorization().Produces<List<OrderResponse>>();
        app.MapPost("/api/v1/admin/orders/{id}/refund", Refund).WithTags("Admin").RequireAuthorization(AuthExtensions.AdminPolicy).Produces<OrderResponse>();
        app.MapPost("/api/v1/payments/manual/{orderId}/complete", CompleteManual).WithTags("Payments").RequireAuthorization().Produces<OrderResponse>();
        app.MapPost("/api/v1/webhooks/stripe", StripeWebhook).WithTags("Webhooks").AllowAnonymous().Produces<WebhookReceipt>();
        return app;
    }

    public static async Task<IResult> Checkout(string id, HttpContext http, ICourseStore store, LearnStreamDbContext db,
        CheckoutService checkout, TimeProvider time, CancellationToken ct)
    {
        var keys = http.Request.Headers[IdempotencyKeyHeader];
        var key = keys.Count == 1 ? keys[0] : null;
        if (keys.Count > 1 || (keys.Count == 1 && !IsValidKey(key)))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [IdempotencyKeyHeader] = ["Idempotency-Key must be one value of 1 to 255 visible ASCII characters."],
            });
        }
        var course = id.Length <= CatalogLimits.SlugLength ? await store.FindAsync(id, ct) : null;
        if (course is null || course.Status != CourseStatus.Published)
        {
            return CatalogProblems.NotFound();
        }
        if (course.IsFree)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Course is free",
                detail: "This course is free: enroll with POST /api/v1/courses/{id}/enroll instead.");
        }
        var userId = http.User.UserId();
        if (key is not null && await checkout.FindByKeyAsync(userId, key, ct) is { } replayed)
        {
            if (replayed.CourseId != course.Id)
            {
                return KeyReused();
            }
            if (replayed.Status != OrderStatus.Pending)
            {
                return Created(replayed);
            }
            // Still pending: the checkout below answers it, and gives it its provider checkout if the
            // request that made it has not stored one yet, so no replay answers without a checkoutUrl.
        }
        var enrollment = await db.Enrollments.AsNoTracking().SingleOrDefaultAsync(e => e.UserId == userId && e.CourseId == course.Id, ct);
        switch (enrollment?.StatusAt(time.GetUtcNow()))
        {
            case EnrollmentStatus.Active:
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Already enrolled", detail: "You already have this course.");
            case EnrollmentStatus.Revoked:
                return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Enrollment revoked",
                    detail: "An admin revoked your enrollment in this course.");
        }
        try
        {
            var (order, outcome) = await checkout.CheckoutAsync(userId, course, key, ServiceBase(http.Request), ct);
            return outcome == CheckoutOutcome.KeyReused ? KeyReused() : Created(order!);
        }
        catch (PaymentProviderException e)
        {
            return ProviderFailed(e);
        }
    }

    public static async Task<IResult> MyOrders(HttpContext http, LearnStreamDbContext db, CancellationToken ct)
    {
        var userId = http.User.UserId();
        var orders = await db.Orders.AsNoTracking().Where(o => o.UserId == userId)
            .OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id).ToListAsync(ct);
        return TypedResults.Ok(orders.Select(ToResponse).ToList());
    }

    public static async Task<IResult> Refund(string id, LearnStreamDbContext db, IPaymentProvider provider, OrderSettlement settlement, CancellationToken ct)
    {
        var order = Guid.TryParse(id, out var orderId) ? await db.Orders.AsNoTracking().SingleOrDefaultAsync(o => o.Id == orderId, ct) : null;
        if (order is null)
        {
            return OrderNotFound();
        }
        if (order.Status != OrderStatus.Paid)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Order not refundable",
                detail: $"Only a paid order can be refunded; this one is {order.Status.ToString().ToLowerInvariant()}.");
        }
        if (order.Provider != provider.Name)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Other payment provider",
                detail: $"This order was paid through '{order.Provider}', which is not the configured provider.");
        }
        try
        {
            await provider.RefundAsync(order, ct);
        }
        catch (PaymentProviderException e)
        {
            return ProviderFailed(e);
        }
        await settlement.RunAsync(null, order.PaymentRef, token => settlement.MarkRefundedAsync(order.Id, null, token), ct);
        return TypedResults.Ok(ToResponse(await db.Orders.AsNoTracking().SingleAsync(o => o.Id == order.Id, ct)));
    }

    public static async Task<IResult> CompleteManual(string orderId, HttpContext http, LearnStreamDbContext db, OrderSettlement settlement,
        IOptions<PaymentOptions> options, CancellationToken ct)
    {
        var userId = http.User.UserId();
        var order = options.Value.Provider == PaymentOptions.Manual && Guid.TryParse(orderId, out var id)
            ? await db.Orders.AsNoTracking().SingleOrDefaultAsync(o => o.Id == id && o.UserId == userId && o.Provider == PaymentOptions.Manual, ct)
            : null;
        if (order is null)
        {
            return OrderNotFound();
        }
        if (order.Status is OrderStatus.Failed or OrderStatus.Refunded)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Order closed",
                detail: $"This order is {order.Status.ToString().ToLowerInvariant()}; start a new checkout.");
        }
        // Completing a paid order again is a harmless replay: the answer is the same order.
        await settlement.RunAsync(null, null, token => settlement.MarkPaidAsync(order.Id, null, token), ct);
        return TypedResults.Ok(ToResponse(await db.Orders.AsNoTracking().SingleAsync(o => o.Id == order.Id, ct)));
    }

    public static async Task<IResult> StripeWebhook(HttpRequest request, IOptions<PaymentOptions> options, IServiceProvider services, CancellationToken ct)
    {
        if (options.Value.Provider != PaymentOptions.Stripe)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "Stripe is not the configured payment provider.");
        }
        // The signature covers the exact bytes sent, so the body is read raw, never through a model binder.
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(ct);
        var outcome = await services.GetRequiredService<StripeWebhookHandler>().HandleAsync(body, request.Headers["Stripe-Signature"], ct);
        return outcome.Refusal is { } refusal
            ? TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Webhook refused", detail: refusal)
            : TypedResults.Ok(new WebhookReceipt(true, outcome.Duplicate));
    }

    private static bool IsValidKey(string? key) => key is { Length: > 0 and <= 255 } && key.All(c => c is > ' ' and <= '~');

    private static Uri ServiceBase(HttpRequest request) => new($"{request.Scheme}://{request.Host}{request.PathBase}/");

    private static Created<OrderResponse> Created(Order order) => TypedResults.Created("/api/v1/me/orders", ToResponse(order));

    private static ProblemHttpResult KeyReused() =>
        TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency-Key reused",
            detail: "This Idempotency-Key was already used for a checkout of another course; use a new key.");

    private static ProblemHttpResult OrderNotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No such order.");

    private static ProblemHttpResult ProviderFailed(PaymentProviderException e) =>
        TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "Payment provider failed", detail: e.Message);

    private static OrderResponse ToResponse(Order o) => new(
        o.Id, o.CourseId, o.CourseTitle, o.Amount, o.Currency, o.Status, o.Provider,
        o.Status == OrderStatus.Pending ? o.CheckoutUrl : null, o.CreatedAt, o.PaidAt, o.RefundedAt);
}
