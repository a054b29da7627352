using LearnStream.Api.Features.Video.Local;

namespace LearnStream.Tests.Video.Local;

/// <summary>ffprobe reports that are awkward to produce with a real file on every machine.</summary>
public class ProbeResultTests
{
    [Fact]
    public void A_phone_video_recorded_upright_reports_its_displayed_size()
    {
        var result = ProbeResult.FromFfprobeJson("""
            {"streams": [{"index": 0, "codec_type": "video", "width": 1920, "height": 1080,
                          "side_data_list": [{"side_data_type": "Display Matrix", "rotation": -90}]},
                         {"index": 1, "codec_type": "audio"}],
             "format": {"format_name": "mov,mp4,m4a,3gp,3g2,mj2", "duration": "12.5"}}
            """);

        Assert.True(result.IsVideo, result.Message);
        Assert.Equal((1080, 1920), (result.Width, result.Height));
        Assert.Equal(12.5, result.DurationSeconds);
        Assert.Equal("mov", result.FormatName);
        Assert.Equal(1, result.AudioStreamIndex);
    }

    [Fact]
    public void An_older_rotate_tag_is_honoured_too()
    {
        var result = ProbeResult.FromFfprobeJson("""
            {"streams": [{"index": 0, "codec_type": "video", "width": 1280, "height": 720, "tags": {"rotate": "270"}}],
             "format": {"format_name": "mov,mp4,m4a,3gp,3g2,mj2", "duration": "3.0"}}
            """);

        Assert.Equal((720, 1280), (result.Width, result.Height));
    }

    [Fact]
    public void Cover_art_in_an_audio_file_is_not_a_video_stream()
    {
        var result = ProbeResult.FromFfprobeJson("""
            {"streams": [{"index": 0, "codec_type": "audio"},
                         {"index": 1, "codec_type": "video", "width": 600, "height": 600, "disposition": {"attached_pic": 1}}],
             "format": {"format_name": "mov,mp4,m4a,3gp,3g2,mj2", "duration": "180.0"}}
            """);

        Assert.False(result.IsVideo);
        Assert.Contains("no picture", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_real_video_stream_is_chosen_over_leading_cover_art()
    {
        var result = ProbeResult.FromFfprobeJson("""
            {"streams": [{"index": 0, "codec_type": "video", "width": 600, "height": 600, "disposition": {"attached_pic": 1}},
                         {"index": 1, "codec_type": "video", "width": 1280, "height": 720, "disposition": {"attached_pic": 0}}],
             "format": {"format_name": "matroska,webm", "duration": "60"}}
            """);

        Assert.True(result.IsVideo, result.Message);
        Assert.Equal(1, result.VideoStreamIndex);
        Assert.Equal(720, result.Height);
        Assert.Equal("matroska", result.FormatName);
    }

    [Theory]
    [InlineData("""{"streams": [{"index": 0, "codec_type": "video", "codec_name": "ansi", "width": 640, "height": 400}], "format": {"format_name": "tty", "duration": "19.8"}}""", "text")]
    [InlineData("""{"streams": [{"index": 0, "codec_type": "video", "width": 640, "height": 480}], "format": {"format_name": "image2", "duration": "0.04"}}""", "still image")]
    [InlineData("""{"streams": [{"index": 0, "codec_type": "video", "width": 640, "height": 480}], "format": {"format_name": "png_pipe"}}""", "still image")]
    [InlineData("""{"streams": [{"index": 0, "codec_type": "video", "width": 640, "height": 480}], "format": {"format_name": "concat", "duration": "10"}}""", "(concat) is not accepted")]
    [InlineData("""{"streams": [{"index": 0, "codec_type": "video", "width": 640, "height": 480}], "format": {"format_name": "mpegts"}}""", "no duration")]
    [InlineData("""{"streams": [{"index": 0, "codec_type": "video", "width": 0, "height": 0}], "format": {"format_name": "mpegts", "duration": "5"}}""", "no picture size")]
    [InlineData("""{"streams": [], "format": {"format_name": "avi", "duration": "5"}}""", "no video stream")]
    [InlineData("""{}""", "no known media format")]
    [InlineData("""not json""", "unreadable")]
    public void Reports_that_are_not_a_usable_video_say_why(string json, string expected)
    {
        var result = ProbeResult.FromFfprobeJson(json);

        Assert.False(result.IsVideo);
        Assert.Contains(expected, result.Message, StringComparison.Ordinal);
    }
}
