using LearnStream.Api.Common;
using LearnStream.Api.Features.Video.Local;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LearnStream.Tests.Video.Local;

public class LocalVideoOptionsTests
{
    [Fact]
    public void Defaults_bind_and_validate_from_an_empty_section()
    {
        var options = Bind([]).Value;

        Assert.Null(options.MediaDirectory);
        Assert.Equal(2L * 1024 * 1024 * 1024, options.MaxUploadBytes);
        Assert.Equal(1, options.MaxConcurrentTranscodes);
        Assert.Equal(TimeSpan.FromMinutes(10), options.TokenLifetime);
        Assert.Equal("ffmpeg", options.FfmpegPath);
        Assert.Equal("ffprobe", options.FfprobePath);
    }

    [Fact]
    public void Values_under_video_local_are_bound()
    {
        var options = Bind(new()
        {
            ["Video:Local:MediaDirectory"] = "/srv/media",
            ["Video:Local:MaxUploadBytes"] = "5368709120",
            ["Video:Local:MaxConcurrentTranscodes"] = "2",
            ["Video:Local:TokenLifetime"] = "00:05:00",
            ["Video:Local:FfmpegPath"] = "/opt/ffmpeg/bin/ffmpeg",
        }).Value;

        Assert.Equal("/srv/media", options.MediaDirectory);
        Assert.Equal(5L * 1024 * 1024 * 1024, options.MaxUploadBytes);
        Assert.Equal(2, options.MaxConcurrentTranscodes);
        Assert.Equal(TimeSpan.FromMinutes(5), options.TokenLifetime);
        Assert.Equal("/opt/ffmpeg/bin/ffmpeg", options.FfmpegPath);
    }

    [Theory]
    [InlineData("MaxUploadBytes", "0")]
    [InlineData("MaxUploadBytes", "1023")]
    [InlineData("MaxConcurrentTranscodes", "0")]
    [InlineData("MaxConcurrentTranscodes", "100")]
    [InlineData("TokenLifetime", "00:00:10")]
    [InlineData("TokenLifetime", "1.00:00:00")]
    [InlineData("FfmpegPath", "")]
    [InlineData("FfprobePath", "")]
    public void Out_of_range_values_fail_validation_and_name_the_setting(string key, string value)
    {
        var options = Bind(new() { [$"Video:Local:{key}"] = value });

        var error = Assert.Throws<OptionsValidationException>(() => options.Value);
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Media_directory_defaults_to_media_under_the_data_directory()
    {
        var data = new DataDirectory("/var/lib/learnstream");

        Assert.Equal("/var/lib/learnstream/media", new LocalVideoOptions().ResolveMediaDirectory(data));
        Assert.Equal("/var/lib/learnstream/hls", new LocalVideoOptions { MediaDirectory = "hls" }.ResolveMediaDirectory(data));
        Assert.Equal("/mnt/media", new LocalVideoOptions { MediaDirectory = "/mnt/media" }.ResolveMediaDirectory(data));
    }

    [Fact]
    public void Segment_tokens_outlive_the_video_by_the_token_lifetime()
    {
        var options = new LocalVideoOptions { TokenLifetime = TimeSpan.FromMinutes(10) };

        Assert.Equal(TimeSpan.FromMinutes(55), options.SegmentTokenLifetime(TimeSpan.FromMinutes(45)));
        Assert.Equal(TimeSpan.FromMinutes(10), options.SegmentTokenLifetime(TimeSpan.FromSeconds(-1)));
    }

    private static IOptions<LocalVideoOptions> Bind(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddOptions<LocalVideoOptions>().BindConfiguration(LocalVideoOptions.Section).ValidateDataAnnotations();
        return services.BuildServiceProvider().GetRequiredService<IOptions<LocalVideoOptions>>();
    }
}
