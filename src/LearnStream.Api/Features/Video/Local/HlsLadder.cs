namespace LearnStream.Api.Features.Video.Local;

/// <summary>One rendition to encode: its directory name, picture height and peak video bitrate.</summary>
public sealed record HlsRenditionPlan(string Name, int Height, int MaxVideoKbps);

/// <summary>
/// Picks the renditions for a source. Never taller than the source (upscaling only costs bandwidth), and
/// always at least two so a player on a weak connection has somewhere to step down to.
/// </summary>
public static class HlsLadder
{
    /// <summary>1080p keeps code in screen recordings legible; 720p and 360p cover ordinary and poor connections.</summary>
    private static readonly int[] Rungs = [1080, 720, 360];

    /// <summary>Below this there is no sensible lower rendition to offer.</summary>
    public const int MinimumSourceHeight = 16;

    public static IReadOnlyList<HlsRenditionPlan> For(int sourceHeight)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sourceHeight, MinimumSourceHeight);
        var source = Even(sourceHeight);
        var heights = Rungs.Where(h => h <= source).ToList();
        if (heights.Count < 2 && (heights.Count == 0 || heights[0] != source))
        {
            heights.Insert(0, source);
        }
        if (heights.Count < 2)
        {
            heights.Add(Even(source * 2 / 3));
        }
        return [.. heights.Select(h => new HlsRenditionPlan($"{h}p", h, MaxVideoKbps(h)))];
    }

    /// <summary>Peaks for H.264 at these heights with room for screen content; they also become the playlist's BANDWIDTH.</summary>
    private static int MaxVideoKbps(int height) => height switch
    {
        >= 1080 => 5000,
        >= 720 => 3000,
        >= 480 => 1500,
        >= 360 => 900,
        >= 240 => 500,
        _ => 300,
    };

    // H.264 in 4:2:0 needs even dimensions.
    private static int Even(int value) => value & ~1;
}
