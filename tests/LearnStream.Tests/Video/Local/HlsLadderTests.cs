using LearnStream.Api.Features.Video.Local;

namespace LearnStream.Tests.Video.Local;

public class HlsLadderTests
{
    [Theory]
    [InlineData(2160, new[] { 1080, 720, 360 })]
    [InlineData(1080, new[] { 1080, 720, 360 })]
    [InlineData(1000, new[] { 720, 360 })]
    [InlineData(720, new[] { 720, 360 })]
    [InlineData(480, new[] { 480, 360 })]
    [InlineData(360, new[] { 360, 240 })]
    [InlineData(241, new[] { 240, 160 })]
    [InlineData(240, new[] { 240, 160 })]
    [InlineData(16, new[] { 16, 10 })]
    public void Renditions_never_exceed_the_source_and_are_at_least_two(int sourceHeight, int[] expected)
    {
        var plan = HlsLadder.For(sourceHeight);

        Assert.Equal(expected, plan.Select(r => r.Height));
        Assert.All(plan, r => Assert.Equal($"{r.Height}p", r.Name));
    }

    [Fact]
    public void Taller_renditions_get_higher_bitrates()
    {
        var plan = HlsLadder.For(1080);

        Assert.Equal(plan.Select(r => r.MaxVideoKbps).OrderDescending(), plan.Select(r => r.MaxVideoKbps));
        Assert.Equal(plan.Count, plan.Select(r => r.MaxVideoKbps).Distinct().Count());
    }

    [Fact]
    public void Sources_too_small_for_two_renditions_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => HlsLadder.For(HlsLadder.MinimumSourceHeight - 1));
    }
}
