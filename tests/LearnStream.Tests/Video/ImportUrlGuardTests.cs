using LearnStream.Api.Features.Video;

namespace LearnStream.Tests.Video;

public class ImportUrlGuardTests
{
    [Theory]
    [InlineData("https://storage.googleapis.com/muxdemofiles/mux-video-intro.mp4")]
    [InlineData("https://muxed.s3.amazonaws.com/leds.mp4")]
    [InlineData("https://cdn.example.com:8443/videos/lecture%201.mp4?X-Amz-Signature=abc&X-Amz-Expires=3600")]
    [InlineData("HTTPS://Videos.Example.COM/Lecture.MOV")]
    [InlineData("https://ökonom.de/vorlesung.mp4")]
    [InlineData("https://93.184.216.34/video.mp4")]
    [InlineData("https://[2606:4700:4700::1111]/video.mp4")]
    [InlineData("https://example.com/path#fragment@127.0.0.1")]
    [InlineData("https://localhost.example.com/video.mp4")]
    public void Public_https_urls_are_accepted(string url)
    {
        Assert.Null(ImportUrlGuard.Check(url));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not a url")]
    [InlineData("/relative/video.mp4")]
    [InlineData("http://example.com/video.mp4")]
    [InlineData("ftp://example.com/video.mp4")]
    [InlineData("file:///etc/passwd")]
    [InlineData("gopher://example.com/")]
    [InlineData("https:example.com/video.mp4")]
    [InlineData("https:/example.com/video.mp4")]
    [InlineData(" https://example.com/video.mp4")]
    [InlineData("https://example.com/video.mp4\n")]
    [InlineData("https://example.com\\@127.0.0.1/")]
    public void Anything_but_an_absolute_https_url_is_refused(string? url)
    {
        Assert.NotNull(ImportUrlGuard.Check(url));
    }

    [Theory]
    [InlineData("https://user@example.com/video.mp4")]
    [InlineData("https://user:password@example.com/video.mp4")]
    [InlineData("https://evil.com@127.0.0.1/video.mp4")]
    [InlineData("https://@example.com/video.mp4")]
    [InlineData("https://example.com:443@169.254.169.254/")]
    public void Urls_with_user_info_are_refused(string url)
    {
        Assert.Equal("The video URL must not contain a user name or password.", ImportUrlGuard.Check(url));
    }

    [Theory]
    [InlineData("https://127.0.0.1/video.mp4")]
    [InlineData("https://127.255.255.254/")]
    [InlineData("https://10.0.0.1/")]
    [InlineData("https://10.255.255.255/")]
    [InlineData("https://172.16.0.1/")]
    [InlineData("https://172.31.255.255/")]
    [InlineData("https://192.168.1.1/")]
    [InlineData("https://169.254.169.254/latest/meta-data/")]
    [InlineData("https://169.254.0.1/")]
    [InlineData("https://100.64.0.1/")]
    [InlineData("https://100.127.255.255/")]
    [InlineData("https://0.0.0.0/")]
    [InlineData("https://0.1.2.3/")]
    [InlineData("https://224.0.0.1/")]
    [InlineData("https://239.255.255.250/")]
    [InlineData("https://255.255.255.255/")]
    [InlineData("https://240.0.0.1/")]
    [InlineData("https://192.0.2.10/")]
    [InlineData("https://198.18.0.1/")]
    [InlineData("https://127.0.0.1:8443/video.mp4")]
    public void Ipv4_literals_outside_public_unicast_are_refused(string url)
    {
        Assert.Equal("The video URL points at a private, loopback, link-local or reserved address.", ImportUrlGuard.Check(url));
    }

    [Theory]
    [InlineData("https://172.15.255.255/")]
    [InlineData("https://172.32.0.1/")]
    [InlineData("https://100.63.255.255/")]
    [InlineData("https://100.128.0.1/")]
    [InlineData("https://169.253.1.1/")]
    [InlineData("https://223.255.255.254/")]
    [InlineData("https://8.8.8.8/video.mp4")]
    public void Ipv4_literals_just_outside_the_refused_ranges_are_accepted(string url)
    {
        Assert.Null(ImportUrlGuard.Check(url));
    }

    [Theory]
    [InlineData("https://[::1]/")]
    [InlineData("https://[0:0:0:0:0:0:0:1]/")]
    [InlineData("https://[::]/")]
    [InlineData("https://[fc00::1]/")]
    [InlineData("https://[fd12:3456:789a::1]/")]
    [InlineData("https://[fe80::1]/")]
    [InlineData("https://[febf::1]/")]
    [InlineData("https://[ff02::1]/")]
    [InlineData("https://[::ffff:127.0.0.1]/")]
    [InlineData("https://[::ffff:7f00:1]/")]
    [InlineData("https://[::ffff:169.254.169.254]/")]
    [InlineData("https://[::ffff:10.0.0.1]/")]
    [InlineData("https://[::127.0.0.1]/")]
    [InlineData("https://[::10.0.0.1]/")]
    [InlineData("https://[64:ff9b::a9fe:a9fe]/")]
    [InlineData("https://[2002:7f00:1::]/")]
    [InlineData("https://[2001:db8::1]/")]
    [InlineData("https://[::1]:8443/")]
    public void Ipv6_literals_outside_public_unicast_or_wrapping_a_private_ipv4_are_refused(string url)
    {
        Assert.Equal("The video URL points at a private, loopback, link-local or reserved address.", ImportUrlGuard.Check(url));
    }

    [Theory]
    [InlineData("https://[::ffff:8.8.8.8]/")]
    [InlineData("https://[2002:808:808::]/")]
    public void Ipv6_literals_wrapping_a_public_ipv4_are_accepted(string url)
    {
        Assert.Null(ImportUrlGuard.Check(url));
    }

    [Theory]
    [InlineData("https://[fe80::1%25eth0]/")]
    [InlineData("https://%31%32%37.0.0.1/")]
    public void Percent_encoded_hosts_and_zone_ids_are_refused(string url)
    {
        Assert.NotNull(ImportUrlGuard.Check(url));
    }

    [Theory]
    [InlineData("https://2130706433/")]
    [InlineData("https://0x7f000001/")]
    [InlineData("https://0x7F000001/")]
    [InlineData("https://0177.0.0.1/")]
    [InlineData("https://0x7f.0.0.1/")]
    [InlineData("https://127.1/")]
    [InlineData("https://127.0.1/")]
    [InlineData("https://010.0.0.1/")]
    [InlineData("https://0x08080808/")]
    [InlineData("https://134744072/")]
    [InlineData("https://08.8.8.8/")]
    [InlineData("https://999.1.1.1/")]
    [InlineData("https://1.2.3.4.5/")]
    [InlineData("https://4294967296/")]
    [InlineData("https://example.0x10/")]
    public void Numeric_hosts_in_anything_but_dotted_decimal_are_refused(string url)
    {
        Assert.Equal("The video URL's host is an IP address in a non-standard notation.", ImportUrlGuard.Check(url));
    }

    [Theory]
    [InlineData("https://localhost/video.mp4")]
    [InlineData("https://LOCALHOST/video.mp4")]
    [InlineData("https://localhost:8080/video.mp4")]
    [InlineData("https://api.localhost/")]
    [InlineData("https://metadata.google.internal/computeMetadata/v1/")]
    [InlineData("https://db.internal/")]
    [InlineData("https://printer.local/")]
    [InlineData("https://nas.home.arpa/")]
    [InlineData("https://box.localdomain/")]
    public void Internal_host_names_are_refused(string url)
    {
        Assert.NotNull(ImportUrlGuard.Check(url));
    }

    [Theory]
    [InlineData("https://intranet/video.mp4")]
    [InlineData("https://fileserver:8443/video.mp4")]
    public void Single_label_host_names_are_refused(string url)
    {
        Assert.Equal("The video URL's host must be a fully qualified domain name.", ImportUrlGuard.Check(url));
    }

    [Theory]
    [InlineData("https://example.com./video.mp4")]
    [InlineData("https://localhost./")]
    [InlineData("https://metadata.google.internal./")]
    [InlineData("https://127.0.0.1./")]
    [InlineData("https://localhost\uFF0E/")]
    public void Trailing_dot_variants_are_refused(string url)
    {
        Assert.Equal("The video URL's host must not end with a dot.", ImportUrlGuard.Check(url));
    }

    [Fact]
    public void Ideographic_full_stops_do_not_disguise_an_internal_name()
    {
        Assert.Equal("The video URL points at an internal host name.", ImportUrlGuard.Check("https://metadata\u3002google\u3002internal/"));
    }

    [Fact]
    public void Urls_longer_than_the_limit_are_refused()
    {
        var url = "https://example.com/" + new string('a', ImportUrlGuard.MaxLength);

        Assert.Equal($"The video URL is longer than {ImportUrlGuard.MaxLength} characters.", ImportUrlGuard.Check(url));
    }
}
