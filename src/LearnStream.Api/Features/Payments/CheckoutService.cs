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
        if (order is null || order.CheckoutUrl is not null)
        {
            return (order, outcome);
        }
        // New, or an earlier attempt failed to reach the provider: (re)create its checkout.
        var checkout = await provider.CreateCheckoutAsync(order, serviceBase, ct);
        await db.Orders.Where(o => o.Id == order.Id && o.CheckoutUrl == null)
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
                Amount = course.Price!.Amount, Currency = course.Price.Currency, Status = OrderStatus.Pending,
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
