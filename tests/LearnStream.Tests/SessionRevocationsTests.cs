using LearnStream.Api.Common;
using LearnStream.Api.Features.Auth;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LearnStream.Tests;

public sealed class SessionRevocationsTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 8, 0, 0, TimeSpan.Zero));

    // No IConnectionMultiplexer registered: the single-node setup without Redis.
    private readonly ServiceProvider _services = new ServiceCollection()
        .AddSingleton(Options.Create(new RedisOptions()))
        .BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void Encode_then_TryDecode_round_trips_ids_and_expiry()
    {
        Guid[] ids = [Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()];
        var until = DateTimeOffset.FromUnixTimeMilliseconds(1_777_777_777_123);

        Assert.True(SessionRevocations.TryDecode(SessionRevocations.Encode(ids, until), out var decodedUntil, out var decodedIds));

        Assert.Equal(until, decodedUntil);
        Assert.Equal(ids, decodedIds);
    }

    [Fact]
    public void Encode_keeps_the_expiry_to_the_millisecond()
    {
        var until = new DateTimeOffset(2026, 5, 1, 8, 10, 30, 250, TimeSpan.FromHours(2));

        SessionRevocations.TryDecode(SessionRevocations.Encode([Guid.Empty], until), out var decoded, out _);

        Assert.Equal(until, decoded);
    }

    [Fact]
    public void An_empty_list_round_trips_to_no_ids()
    {
        var message = SessionRevocations.Encode([], DateTimeOffset.FromUnixTimeMilliseconds(42));

        Assert.True(SessionRevocations.TryDecode(message, out var until, out var ids));
        Assert.Equal(42, until.ToUnixTimeMilliseconds());
        Assert.Empty(ids);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("1777777777123")]
    [InlineData("soon:7d4c2f18-9a6e-4b1d-8e3f-2c5b0a9d8e44")]
    [InlineData(":7d4c2f18-9a6e-4b1d-8e3f-2c5b0a9d8e44")]
    [InlineData("12.5:7d4c2f18-9a6e-4b1d-8e3f-2c5b0a9d8e44")]
    public void TryDecode_rejects_a_message_without_a_numeric_expiry(string? message)
    {
        Assert.False(SessionRevocations.TryDecode(message, out _, out var ids));
        Assert.Empty(ids);
    }

    [Fact]
    public void TryDecode_skips_entries_that_are_not_guids()
    {
        var good = Guid.NewGuid();

        Assert.True(SessionRevocations.TryDecode($"1000:not-a-guid,{good},,", out _, out var ids));

        Assert.Equal([good], ids);
    }

    [Fact]
    public void Window_is_the_access_token_lifetime_plus_the_clock_skew()
    {
        var revocations = Revocations(accessTokenMinutes: 5);

        Assert.Equal(TimeSpan.FromSeconds(5 * 60 + 30), revocations.Window);
    }

    [Fact]
    public async Task PublishAsync_without_redis_marks_the_sessions_revoked_locally()
    {
        var revocations = Revocations();
        Guid[] ended = [Guid.NewGuid(), Guid.NewGuid()];
        var untouched = Guid.NewGuid();

        await revocations.PublishAsync(ended);

        Assert.All(ended, id => Assert.True(revocations.IsRevoked(id)));
        Assert.False(revocations.IsRevoked(untouched));
        Assert.Equal(2, revocations.Count);
    }

    [Fact]
    public async Task Purge_keeps_revocations_until_the_window_has_passed()
    {
        var revocations = Revocations(accessTokenMinutes: 10);
        var id = Guid.NewGuid();
        await revocations.PublishAsync([id]);

        _time.Advance(revocations.Window);
        revocations.Purge();

        Assert.True(revocations.IsRevoked(id));
    }

    [Fact]
    public async Task Purge_drops_revocations_once_the_window_has_passed()
    {
        var revocations = Revocations(accessTokenMinutes: 10);
        var early = Guid.NewGuid();
        var late = Guid.NewGuid();
        await revocations.PublishAsync([early]);
        _time.Advance(TimeSpan.FromMinutes(5));
        await revocations.PublishAsync([late]);

        _time.Advance(revocations.Window - TimeSpan.FromMinutes(5) + TimeSpan.FromMilliseconds(1));
        revocations.Purge();

        Assert.False(revocations.IsRevoked(early));
        Assert.True(revocations.IsRevoked(late));
        Assert.Equal(1, revocations.Count);
    }

    [Fact]
    public void Remember_takes_the_given_expiry_for_revocations_loaded_from_elsewhere()
    {
        var revocations = Revocations();
        var id = Guid.NewGuid();
        revocations.Remember(id, _time.GetUtcNow() + TimeSpan.FromSeconds(10));

        _time.Advance(TimeSpan.FromSeconds(11));
        revocations.Purge();

        Assert.False(revocations.IsRevoked(id));
    }

    private SessionRevocations Revocations(int accessTokenMinutes = 10) =>
        new(_time, Options.Create(new JwtOptions { AccessTokenMinutes = accessTokenMinutes }), _services);
}
