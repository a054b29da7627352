using LearnStream.Api.Data;
using LearnStream.Api.Features.Catalog;
using Microsoft.EntityFrameworkCore;

namespace LearnStream.Api.Features.Payments;

public enum CheckoutOutcome
{
    Created,
    Replayed,
    KeyReused,
}

/// <summary>
/// Makes or finds the one open order of a learner for a course. Two constraints referee every race:
/// (user, idempotency key) is unique, and a learner has at most one pending order per course. So a
/// retried or concurrent checkout lands on the same order, and the provider, called with an
/// idempotency key derived from that order, lands on the same session.
/// </summary>
public sealed class CheckoutService(LearnStreamDbContext db, IPaymentProvider provider, TimeProvider time)
{
    public async Task<(Order? Order, CheckoutOutcome Outcome)> CheckoutAsync(Guid userId, Course course, string? idempotencyKey, Uri serviceBase, CancellationToken ct)
    {
        var (order, outcome) = await FindOrCreateAsync(userId, course, idempotencyKey, ct);
        if (order is null || order.CheckoutUrl is not null || order.Status != OrderStatus.Pending)
        {
            return (order, outcome);
        }
        // New, or a concurrent request for the same order has not stored its checkout yet: create it
        // (the provider call is idempotent per order, so both get the same checkout).
        ProviderCheckout checkout;
        try
        {
            checkout = await provider.CreateCheckoutAsync(order, serviceBase, ct);
        }
        catch (PaymentProviderException) when (outcome == CheckoutOutcome.Created)
        {
            // Stripe keeps a failed answer under the order's idempotency key for 24 hours, so retrying
            // this order would only replay the failure, and as the learner's one pending order it would
            // block every new checkout. Close it and free the client's key: a retry makes a new order.
            // Only the request that made the order does this: a concurrent replay can fail where the
            // maker succeeds (Stripe's 409 for a key in use), and must not close a good order.
            await db.Orders.Where(o => o.Id == order.Id && o.Status == OrderStatus.Pending && o.CheckoutUrl == null)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(o => o.Status, OrderStatus.Failed)
                    .SetProperty(o => o.IdempotencyKey, (string?)null)
                    .SetProperty(o => o.UpdatedAt, time.GetUtcNow()), CancellationToken.None);
            throw;
        }
        await db.Orders.Where(o => o.Id == order.Id && o.Status == OrderStatus.Pending && o.CheckoutUrl == null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(o => o.ProviderRef, checkout.Reference)
                .SetProperty(o => o.CheckoutUrl, checkout.Url)
                .SetProperty(o => o.UpdatedAt, time.GetUtcNow()), ct);
        return (await db.Orders.AsNoTracking().SingleAsync(o => o.Id == order.Id, ct), outcome);
    }

    /// <summary>The order an earlier request with this key made, whatever has happened to it since.</summary>
    public Task<Order?> FindByKeyAsync(Guid userId, string key, CancellationToken ct) =>
        db.Orders.AsNoTracking().SingleOrDefaultAsync(o => o.UserId == userId && o.IdempotencyKey == key, ct);

    private async Task<(Order? Order, CheckoutOutcome Outcome)> FindOrCreateAsync(Guid userId, Course course, string? key, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (key is not null && await db.Orders.AsNoTracking().SingleOrDefaultAsync(o => o.UserId == userId && o.IdempotencyKey == key, ct) is { } keyed)
            {
                return keyed.CourseId == course.Id ? (keyed, CheckoutOutcome.Replayed) : (null, CheckoutOutcome.KeyReused);
            }
            var open = await db.Orders.AsNoTracking()
                .SingleOrDefaultAsync(o => o.UserId == userId && o.CourseId == course.Id && o.Status == OrderStatus.Pending, ct);
            if (open is not null)
            {
                if (key is not null && open.IdempotencyKey is null)
                {
                    // Remember the key on the order it led to, so a replay after payment still finds it.
                    await db.Orders.Where(o => o.Id == open.Id && o.IdempotencyKey == null)
                        .ExecuteUpdateAsync(s => s.SetProperty(o => o.IdempotencyKey, key), ct);
                }
                return (open, CheckoutOutcome.Replayed);
            }
            var now = time.GetUtcNow();
            var order = new Order
            {
                Id = Guid.CreateVersion7(now), UserId = userId, CourseId = course.Id, CourseTitle = course.Title,
                Amount = course.Price!.Amount, Currency = course.Price.Currency, AccessDays = course.AccessDays, Status = OrderStatus.Pending,
                Provider = provider.Name, IdempotencyKey = key, CreatedAt = now, UpdatedAt = now,
            };
            db.Orders.Add(order);
            try
            {
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
                return (order, CheckoutOutcome.Created);
            }
            catch (DbUpdateException e) when (e.IsUniqueViolation())
            {
                // A concurrent request made the keyed or the open order first: read it on the next pass.
                db.ChangeTracker.Clear();
            }
        }
        throw new InvalidOperationException("The order could neither be created nor found.");
    }
}
