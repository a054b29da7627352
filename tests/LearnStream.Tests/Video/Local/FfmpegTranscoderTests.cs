using System.Globalization;
using System.Text.RegularExpressions;

namespace LearnStream.Tests.Video.Local;

public sealed partial class FfmpegTranscoderTests(TranscodedClips clips) : IClassFixture<TranscodedClips>
{
    [Fact]
    public void Probe_reports_size_duration_and_sound_of_real_clips()
    {
        Assert.True(clips.Large.Probe.IsVideo, clips.Large.Probe.Message);
        Assert.Equal((1280, 720), (clips.Large.Probe.Width, clips.Large.Probe.Height));
        Assert.InRange(clips.Large.Probe.DurationSeconds, 9.8, 10.2);
        Assert.True(clips.Large.Probe.HasAudio);

        Assert.True(clips.Small.Probe.IsVideo, clips.Small.Probe.Message);
        Assert.Equal((320, 240), (clips.Small.Probe.Width, clips.Small.Probe.Height));
        Assert.InRange(clips.Small.Probe.DurationSeconds, 9.8, 10.2);
        Assert.False(clips.Small.Probe.HasAudio);
    }

    [Theory]
    [InlineData("large")]
    [InlineData("small")]
    public void Transcode_returns_the_master_and_renditions_it_wrote(string name)
    {
        var clip = clips[name];

        Assert.True(clip.Result.Succeeded, clip.Result.Error);
        Assert.Equal(Path.Combine(clip.Output, "master.m3u8"), clip.Result.MasterPlaylistPath);
        Assert.Equal(Path.Combine(clip.Output, "poster.jpg"), clip.Result.PosterPath);
        Assert.True(File.Exists(clip.Result.MasterPlaylistPath));
        var variants = Variants(clip);
        Assert.Equal(variants.Select(v => (v.Width, v.Height, v.Bandwidth)), clip.Result.Renditions.Select(r => (r.Width, r.Height, r.Bandwidth)));
        Assert.All(clip.Result.Renditions, r =>
        {
            Assert.True(File.Exists(r.PlaylistPath), r.PlaylistPath);
            Assert.StartsWith(clip.Output + Path.DirectorySeparatorChar, r.PlaylistPath, StringComparison.Ordinal);
            Assert.Equal($"{r.Height}p", r.Name);
        });
    }

    [Theory]
    [InlineData("large", new[] { 720, 360 })]
    [InlineData("small", new[] { 240, 160 })]
    public void Master_lists_at_least_two_variants_with_bandwidth_and_resolution_none_taller_than_the_source(string name, int[] heights)
    {
        var clip = clips[name];
        var variants = Variants(clip);

        Assert.True(variants.Count >= 2);
        Assert.Equal(heights, variants.Select(v => v.Height));
        Assert.All(variants, v =>
        {
            Assert.True(v.Bandwidth > 0);
            Assert.True(v.Height <= clip.Probe.Height);
            // Aspect ratio kept: width follows height (to an even number of pixels).
            Assert.InRange(v.Width, (clip.Probe.Width * v.Height / clip.Probe.Height) - 2, (clip.Probe.Width * v.Height / clip.Probe.Height) + 2);
        });
        Assert.True(variants[0].Bandwidth > variants[1].Bandwidth);
    }

    [Theory]
    [InlineData("large")]
    [InlineData("small")]
    public void Segments_last_four_to_six_seconds_except_the_last(string name)
    {
        foreach (var variant in Variants(clips[name]))
        {
            var playlist = File.ReadAllText(variant.PlaylistPath);
            var durations = ExtInf().Matches(playlist).Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();

            Assert.True(durations.Count >= 3, playlist);
            Assert.All(durations[..^1], d => Assert.InRange(d, 4.0, 6.0));
            Assert.InRange(durations[^1], 0.01, 6.0);
            Assert.InRange(durations.Sum(), 9.8, 10.2);
            Assert.Contains("#EXT-X-PLAYLIST-TYPE:VOD", playlist, StringComparison.Ordinal);
            Assert.Contains("#EXT-X-ENDLIST", playlist, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("large")]
    [InlineData("small")]
    public void Every_segment_exists_and_is_h264_with_aac_exactly_when_the_source_has_sound(string name)
    {
        var clip = clips[name];
        foreach (var variant in Variants(clip))
        {
            var segments = UriLines(File.ReadAllText(variant.PlaylistPath));
            Assert.NotEmpty(segments);
            foreach (var segment in segments)
            {
                var path = Path.Combine(Path.GetDirectoryName(variant.PlaylistPath)!, segment);
                var bytes = File.ReadAllBytes(path);
                Assert.True(bytes.Length > 188 && bytes[0] == 0x47 && bytes[188] == 0x47, $"{path} is not MPEG-TS");
            }

            var streams = FfmpegTestTool.Streams(Path.Combine(Path.GetDirectoryName(variant.PlaylistPath)!, segments[0]));
            Assert.Contains($"h264,{variant.Width},{variant.Height}", streams);
            Assert.Equal(clip.Probe.HasAudio, streams.Any(s => s.StartsWith("aac", StringComparison.Ordinal)));
            Assert.Equal(clip.Probe.HasAudio, variant.Codecs.Contains("mp4a", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("large")]
    [InlineData("small")]
    public void Playlists_refer_to_everything_by_relative_uri(string name)
    {
        var clip = clips[name];
        var playlists = new[] { clip.Result.MasterPlaylistPath! }.Concat(Variants(clip).Select(v => v.PlaylistPath));

        foreach (var playlist in playlists)
        {
            Assert.All(UriLines(File.ReadAllText(playlist)), uri =>
            {
                Assert.False(Path.IsPathRooted(uri), uri);
                Assert.DoesNotContain(':', uri);
                Assert.DoesNotContain("..", uri, StringComparison.Ordinal);
            });
        }
    }

    [Theory]
    [InlineData("large", 1280, 720)]
    [InlineData("small", 320, 240)]
    public void Poster_is_a_jpeg_at_the_top_renditions_size(string name, int width, int height)
    {
        var bytes = File.ReadAllBytes(clips[name].Result.PosterPath!);

        Assert.Equal([0xFF, 0xD8, 0xFF], bytes[..3]);
        Assert.Equal([0xFF, 0xD9], bytes[^2..]);
        Assert.Equal([$"mjpeg,{width},{height}"], FfmpegTestTool.Streams(clips[name].Result.PosterPath!));
    }

    [Fact]
    public void Nothing_but_the_finished_sets_is_left_in_the_media_directory()
    {
        var entries = Directory.EnumerateFileSystemEntries(clips.MediaRoot).Select(Path.GetFileName).Order();

        Assert.Equal(["lesson-large", "lesson-small"], entries);
    }

    private static List<Variant> Variants(Clip clip)
    {
        var master = File.ReadAllText(clip.Result.MasterPlaylistPath!);
        return [.. StreamInf().Matches(master).Select(m => new Variant(
            int.Parse(m.Groups["bandwidth"].Value, CultureInfo.InvariantCulture),
            int.Parse(m.Groups["width"].Value, CultureInfo.InvariantCulture),
            int.Parse(m.Groups["height"].Value, CultureInfo.InvariantCulture),
            m.Groups["codecs"].Value,
            Path.Combine(clip.Output, m.Groups["uri"].Value)))];
    }

    private static List<string> UriLines(string playlist) =>
        [.. playlist.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];

    private sealed record Variant(int Bandwidth, int Width, int Height, string Codecs, string PlaylistPath);

    [GeneratedRegex("""^#EXT-X-STREAM-INF:.*?BANDWIDTH=(?<bandwidth>\d+).*?RESOLUTION=(?<width>\d+)x(?<height>\d+).*?CODECS="(?<codecs>[^"]*)".*\n(?<uri>[^#\s][^\n]*)$""", RegexOptions.Multiline)]
    private static partial Regex StreamInf();

    [GeneratedRegex(@"^#EXTINF:([0-9.]+),", RegexOptions.Multiline)]
    private static partial Regex ExtInf();
}
