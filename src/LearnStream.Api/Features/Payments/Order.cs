using LearnStream.Api.Features.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LearnStream.Api.Features.Payments;

public enum OrderStatus
{
    Pending,
    Paid,
    Failed,
    Refunded,
}

/// <summary>
/// One attempt to buy one course. The price is copied from the course when the order is made, so a
/// later price change or anything a client sends cannot alter what is charged. Money is an integer
/// in minor units beside its currency.
/// </summary>
public sealed class Order
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public required string CourseId { get; set; }
    public required string CourseTitle { get; set; }
    public long Amount { get; set; }
    public required string Currency { get; set; }
    public OrderStatus Status { get; set; }
    public required string Provider { get; set; }

    /// <summary>The provider's checkout (a Stripe Checkout Session id).</summary>
    public string? ProviderRef { get; set; }

    /// <summary>The provider's payment (a Stripe PaymentIntent id), known once paid; refunds go through it.</summary>
    public string? PaymentRef { get; set; }

    public string? CheckoutUrl { get; set; }
    public string? IdempotencyKey { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? PaidAt { get; set; }
    public DateTimeOffset? RefundedAt { get; set; }
}

public sealed class OrderConfiguration : IEntityTypeConfiguration<Order>
{
    public void Configure(EntityTypeBuilder<Order> builder)
    {
        builder.ToTable("orders");
        builder.HasKey(o => o.Id);
        builder.HasOne<User>().WithMany().HasForeignKey(o => o.UserId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(o => o.CourseId).HasMaxLength(36);
        builder.Property(o => o.CourseTitle).HasMaxLength(200);
        builder.Property(o => o.Currency).HasMaxLength(3);
        builder.Property(o => o.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(o => o.Provider).HasMaxLength(20);
        builder.Property(o => o.ProviderRef).HasMaxLength(255);
        builder.Property(o => o.PaymentRef).HasMaxLength(255);
        builder.Property(o => o.CheckoutUrl).HasMaxLength(2048);
        builder.Property(o => o.IdempotencyKey).HasMaxLength(255);

        // The same key from the same user always names the same order.
        builder.HasIndex(o => new { o.UserId, o.IdempotencyKey }).IsUnique().HasFilter("\"IdempotencyKey\" IS NOT NULL");
        // At most one open order per learner and course: a second checkout reuses it, so two open
        // checkouts can never both be paid.
        builder.HasIndex(o => new { o.UserId, o.CourseId }).IsUnique().HasFilter("\"Status\" = 'Pending'")
            .HasDatabaseName("IX_orders_UserId_CourseId_pending");
        builder.HasIndex(o => new { o.UserId, o.CreatedAt });
        builder.HasIndex(o => o.ProviderRef);
        builder.HasIndex(o => o.PaymentRef);
    }
}

/// <summary>
/// A provider event already applied. Its id is the primary key and it is written in the same
/// transaction as the event's effect, so a duplicate delivery can neither apply twice nor be lost.
/// </summary>
public sealed class PaymentEvent
{
    public required string Id { get; set; }
    public required string Provider { get; set; }
    public required string Type { get; set; }

    /// <summary>The payment the event is about, so an event that arrives before its order is paid can be found later.</summary>
    public string? PaymentRef { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }
}

public sealed class PaymentEventConfiguration : IEntityTypeConfiguration<PaymentEvent>
{
    public void Configure(EntityTypeBuilder<PaymentEvent> builder)
    {
        builder.ToTable("payment_events");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).HasMaxLength(255);
        builder.Property(e => e.Provider).HasMaxLength(20);
        builder.Property(e => e.Type).HasMaxLength(100);
        builder.Property(e => e.PaymentRef).HasMaxLength(255);
        builder.HasIndex(e => new { e.PaymentRef, e.Type });
    }
}
