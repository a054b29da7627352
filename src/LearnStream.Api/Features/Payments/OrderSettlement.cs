using LearnStream.Api.Data;
using LearnStream.Api.Features.Enrollment;
using Microsoft.EntityFrameworkCore;

namespace LearnStream.Api.Features.Payments;

/// <summary>What a settlement did: the order it changed (null when nothing changed), or that the event was a duplicate.</summary>
public sealed record Settlement(Order? Changed, bool Duplicate);

/// <summary>
/// Every change of an order's status, each with its effect on the enrollment, in one transaction.
/// Transitions are conditional updates on the current status, so replays, concurrent deliveries and
/// out-of-order events can only move an order forward once: pending → paid | failed, paid → refunded.
/// </summary>
public sealed class OrderSettlement(LearnStreamDbContext db, EnrollmentService enrollments, CourseAccessService access, TimeProvider time)
{
    public const string ChargeRefunded = "charge.refunded";

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction. The provider event, when given, is recorded first
    /// under its unique id: a second delivery fails on that key and changes nothing. Work on the same
    /// <paramref name="paymentRef"/> runs one transaction at a time.
    /// </summary>
    public async Task<Settlement> RunAsync(PaymentEvent? providerEvent, string? paymentRef, Func<CancellationToken, Task<Order?>> work, CancellationToken ct)
    {
        Order? changed;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            await LockPaymentAsync(paymentRef, ct);
            if (providerEvent is not null && !await db.TryInsertOnceAsync(providerEvent, ct))
            {
                return new Settlement(null, Duplicate: true);
            }
            changed = await work(ct);
            await transaction.CommitAsync(ct);
        }
        if (changed is not null)
        {
            await access.ForgetAsync(changed.UserId, changed.CourseId, ct);
        }
        return new Settlement(changed, Duplicate: false);
    }

    /// <summary>
    /// A refund that names no order finds it by its payment, which the order has only once the payment's
    /// completion committed; the completion looks for that refund among the recorded events. Side by
    /// side under read committed each misses the other and a refunded payment leaves the course open,
    /// so PostgreSQL settles one payment at a time under a transaction-scoped advisory lock. SQLite
    /// write transactions already run one at a time.
    /// </summary>
    private async Task LockPaymentAsync(string? paymentRef, CancellationToken ct)
    {
        if (paymentRef is not null && db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({paymentRef}, 0))", ct);
        }
    }

    /// <summary>
    /// Payment succeeded: the order becomes paid and the course opens. If the refund of this payment
    /// was delivered first, the order goes straight to refunded and the course stays closed.
    /// </summary>
    public async Task<Order?> MarkPaidAsync(Guid orderId, string? paymentRef, CancellationToken ct)
    {
        if (paymentRef is not null && await db.PaymentEvents.AnyAsync(e => e.PaymentRef == paymentRef && e.Type == ChargeRefunded, ct))
        {
            return await MarkRefundedAsync(orderId, paymentRef, ct);
        }
        var now = time.GetUtcNow();
        var paid = await db.Orders
            .Where(o => o.Id == orderId && (o.Status == OrderStatus.Pending || o.Status == OrderStatus.Failed))
            .ExecuteUpdateAsync(s => s
                .SetProperty(o => o.Status, OrderStatus.Paid)
                .SetProperty(o => o.PaymentRef, o => paymentRef ?? o.PaymentRef)
                .SetProperty(o => o.PaidAt, now)
                .SetProperty(o => o.UpdatedAt, now), ct);
        if (paid == 0)
        {
            return null;
        }
        var order = await Load(orderId, ct);
        await enrollments.ActivatePaidAsync(order.UserId, order.CourseId, now, order.AccessDays is { } days ? now.AddDays(days) : null, ct);
        return order;
    }

    /// <summary>The checkout expired or the payment failed; an order already paid or refunded is not touched.</summary>
    public async Task<Order?> MarkFailedAsync(Guid orderId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var failed = await db.Orders.Where(o => o.Id == orderId && o.Status == OrderStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OrderStatus.Failed).SetProperty(o => o.UpdatedAt, now), ct);
        return failed == 0 ? null : await Load(orderId, ct);
    }

    /// <summary>
    /// The money went back. A paid order's enrollment becomes refunded, which ends access at once; an
    /// order that was never marked paid (its refund overtook its payment) just becomes refunded.
    /// </summary>
    public async Task<Order?> MarkRefundedAsync(Guid orderId, string? paymentRef, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var wasPaid = await Refund(orderId, paymentRef, now, OrderStatus.Paid, ct);
        if (wasPaid)
        {
            var order = await Load(orderId, ct);
            await enrollments.EndByRefundAsync(order.UserId, order.CourseId, now, ct);
            return order;
        }
        return await Refund(orderId, paymentRef, now, OrderStatus.Pending, ct) || await Refund(orderId, paymentRef, now, OrderStatus.Failed, ct)
            ? await Load(orderId, ct)
            : null;
    }

    private async Task<bool> Refund(Guid orderId, string? paymentRef, DateTimeOffset now, OrderStatus from, CancellationToken ct) =>
        await db.Orders.Where(o => o.Id == orderId && o.Status == from)
            .ExecuteUpdateAsync(s => s
                .SetProperty(o => o.Status, OrderStatus.Refunded)
                .SetProperty(o => o.PaymentRef, o => o.PaymentRef ?? paymentRef)
                .SetProperty(o => o.RefundedAt, now)
                .SetProperty(o => o.UpdatedAt, now), ct) == 1;

    public async Task<Guid?> FindByPaymentAsync(string paymentRef, CancellationToken ct) =>
        await db.Orders.AsNoTracking().Where(o => o.PaymentRef == paymentRef).Select(o => (Guid?)o.Id).FirstOrDefaultAsync(ct);

    private Task<Order> Load(Guid orderId, CancellationToken ct) => db.Orders.AsNoTracking().SingleAsync(o => o.Id == orderId, ct);
}
