using System.Text.Json;
using LearnStream.Api.Common;

namespace LearnStream.Tests;

public class UtcTimeConverterTests
{
    private static readonly JsonSerializerOptions Json = new() { Converters = { new UtcTimeConverter() } };

    [Fact]
    public void Writes_an_offset_time_as_utc_with_z_and_milliseconds()
    {
        var local = new DateTimeOffset(2026, 1, 2, 5, 4, 5, 678, TimeSpan.FromHours(2));

        Assert.Equal("\"2026-01-02T03:04:05.678Z\"", JsonSerializer.Serialize(local, Json));
    }

    [Fact]
    public void Writes_utc_times_the_same_way()
    {
        var utc = new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);

        Assert.Equal("\"2026-01-02T03:04:05.678Z\"", JsonSerializer.Serialize(utc, Json));
    }

    [Fact]
    public void Writes_whole_seconds_with_three_zero_digits()
    {
        var time = new DateTimeOffset(2026, 12, 31, 23, 59, 59, TimeSpan.Zero);

        Assert.Equal("\"2026-12-31T23:59:59.000Z\"", JsonSerializer.Serialize(time, Json));
    }

    [Fact]
    public void Writes_a_negative_offset_that_crosses_midnight_as_the_next_utc_day()
    {
        var time = new DateTimeOffset(2026, 1, 2, 21, 30, 0, TimeSpan.FromHours(-5));

        Assert.Equal("\"2026-01-03T02:30:00.000Z\"", JsonSerializer.Serialize(time, Json));
    }

    [Fact]
    public void Drops_sub_millisecond_digits_rather_than_rounding()
    {
        var time = new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero).AddTicks(9_999);

        Assert.Equal("\"2026-01-02T03:04:05.678Z\"", JsonSerializer.Serialize(time, Json));
    }

    [Fact]
    public void Reads_an_offset_time_as_the_same_instant_in_utc()
    {
        var read = JsonSerializer.Deserialize<DateTimeOffset>("\"2026-01-02T05:04:05.678+02:00\"", Json);

        Assert.Equal(TimeSpan.Zero, read.Offset);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero), read);
    }
}
