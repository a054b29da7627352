using LearnStream.Api.Features.Payments;
using LearnStream.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LearnStream.Api.Tests.Payments;

/// <summary>The service's Stripe HTTP timeout in tests: well under <see cref="StripeEmulator.Stall"/>, so no test waits the production 30 seconds.</summary>
public static class StripeClientTimeout
{
    public static TimeSpan Value { get; } = TimeSpan.FromSeconds(3);

    public static void Shorten(IServiceCollection services) =>
        services.AddHttpClient(StripePaymentProvider.HttpClientName, client => client.Timeout = Value);
}

/// <summary>The service on SQLite, paying through the emulated Stripe.</summary>
public sealed class StripeSqliteFixture : SqliteFixture
{
    public StripeSqliteFixture()
    {
        Stripe.Configure(Overrides);
        Services = StripeClientTimeout.Shorten;
    }

    public StripeEmulator Stripe { get; } = new();

    protected override async Task DropStoresAsync()
    {
        Stripe.Dispose();
        await base.DropStoresAsync();
    }
}

/// <summary>The service on PostgreSQL and Redis, paying through the emulated Stripe.</summary>
public sealed class StripePostgresFixture : PostgresRedisFixture
{
    public StripePostgresFixture()
    {
        Stripe.Configure(Overrides);
        Services = StripeClientTimeout.Shorten;
    }

    public StripeEmulator Stripe { get; } = new();

    protected override async Task DropStoresAsync()
    {
        Stripe.Dispose();
        await base.DropStoresAsync();
    }
}
