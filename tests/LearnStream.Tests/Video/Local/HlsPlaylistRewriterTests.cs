using LearnStream.Api.Features.Video.Local;

namespace LearnStream.Tests.Video.Local;

public class HlsPlaylistRewriterTests
{
    private const string Master = """
        #EXTM3U
        #EXT-X-VERSION:6
        #EXT-X-INDEPENDENT-SEGMENTS
        ## packaged by LearnStream, URI="comment.m3u8" stays as it is

        #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="English",LANGUAGE="en",DEFAULT=YES,AUTOSELECT=YES,URI="audio/en/index.m3u8"
        #EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English, CC",LANGUAGE="en",URI="subs/en.m3u8"
        #EXT-X-MEDIA:TYPE=CLOSED-CAPTIONS,GROUP-ID="cc",NAME="CC1",INSTREAM-ID="CC1"
        #EXT-X-STREAM-INF:BANDWIDTH=3193600,AVERAGE-BANDWIDTH=2800000,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2",AUDIO="aud",SUBTITLES="subs"
        720p/index.m3u8
        #EXT-X-STREAM-INF:BANDWIDTH=1045000,RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2",AUDIO="aud"
        360p/index.m3u8
        #EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=150000,RESOLUTION=640x360,CODECS="avc1.64001e",URI="360p/iframes.m3u8"
        """;

    private const string MasterWithTokens = """
        #EXTM3U
        #EXT-X-VERSION:6
        #EXT-X-INDEPENDENT-SEGMENTS
        ## packaged by LearnStream, URI="comment.m3u8" stays as it is

        #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="English",LANGUAGE="en",DEFAULT=YES,AUTOSELECT=YES,URI="audio/en/index.m3u8?token=t"
        #EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English, CC",LANGUAGE="en",URI="subs/en.m3u8?token=t"
        #EXT-X-MEDIA:TYPE=CLOSED-CAPTIONS,GROUP-ID="cc",NAME="CC1",INSTREAM-ID="CC1"
        #EXT-X-STREAM-INF:BANDWIDTH=3193600,AVERAGE-BANDWIDTH=2800000,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2",AUDIO="aud",SUBTITLES="subs"
        720p/index.m3u8?token=t
        #EXT-X-STREAM-INF:BANDWIDTH=1045000,RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2",AUDIO="aud"
        360p/index.m3u8?token=t
        #EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=150000,RESOLUTION=640x360,CODECS="avc1.64001e",URI="360p/iframes.m3u8?token=t"
        """;

    private const string Media = """
        #EXTM3U
        #EXT-X-VERSION:7
        #EXT-X-TARGETDURATION:4
        #EXT-X-MEDIA-SEQUENCE:0
        #EXT-X-PLAYLIST-TYPE:VOD
        #EXT-X-KEY:METHOD=AES-128,URI="keys/k1.bin",IV=0x00000000000000000000000000000001
        #EXT-X-MAP:URI="init.mp4",BYTERANGE="720@0"
        #EXTINF:4.000000,
        seg_000.m4s
        #EXTINF:4.000000,chapter with URI="not-a-uri.m4s" in its title
        #EXT-X-BYTERANGE:1000@720
        seg_001.m4s
        #EXTINF:2.000000,
        seg_002.m4s
        #EXT-X-ENDLIST
        """;

    private static string WithToken(string uri) => uri + "?token=t";

    [Fact]
    public void Master_playlist_variants_and_uri_attributes_are_rewritten_and_nothing_else()
    {
        var rewritten = HlsPlaylistRewriter.Rewrite(Master, WithToken);

        Assert.Equal(MasterWithTokens, rewritten);
    }

    [Fact]
    public void Media_playlist_segments_map_and_key_are_rewritten_in_order()
    {
        var seen = new List<string>();

        var rewritten = HlsPlaylistRewriter.Rewrite(Media, uri =>
        {
            seen.Add(uri);
            return WithToken(uri);
        });

        Assert.Equal(["keys/k1.bin", "init.mp4", "seg_000.m4s", "seg_001.m4s", "seg_002.m4s"], seen);
        Assert.Contains("#EXT-X-MAP:URI=\"init.mp4?token=t\",BYTERANGE=\"720@0\"\n", rewritten, StringComparison.Ordinal);
        Assert.Contains("#EXT-X-KEY:METHOD=AES-128,URI=\"keys/k1.bin?token=t\",IV=0x00000000000000000000000000000001\n", rewritten, StringComparison.Ordinal);
        Assert.Contains("\nseg_002.m4s?token=t\n#EXT-X-ENDLIST", rewritten, StringComparison.Ordinal);
    }

    [Fact]
    public void Extinf_titles_and_comments_that_look_like_attributes_are_left_alone()
    {
        var rewritten = HlsPlaylistRewriter.Rewrite(Media + "\n# URI=\"x.ts\"\n", WithToken);

        Assert.Contains("#EXTINF:4.000000,chapter with URI=\"not-a-uri.m4s\" in its title\n", rewritten, StringComparison.Ordinal);
        Assert.EndsWith("# URI=\"x.ts\"\n", rewritten, StringComparison.Ordinal);
    }

    [Fact]
    public void Crlf_line_endings_are_kept_and_not_passed_to_the_rewrite()
    {
        var crlf = Media.Replace("\n", "\r\n", StringComparison.Ordinal) + "\r\n";
        var seen = new List<string>();

        var rewritten = HlsPlaylistRewriter.Rewrite(crlf, uri =>
        {
            seen.Add(uri);
            return WithToken(uri);
        });

        Assert.DoesNotContain(seen, uri => uri.Contains('\r', StringComparison.Ordinal));
        Assert.Equal(
            HlsPlaylistRewriter.Rewrite(Media + "\n", WithToken).Replace("\n", "\r\n", StringComparison.Ordinal),
            rewritten);
    }

    [Fact]
    public void A_quoted_value_ending_in_uri_equals_does_not_fool_the_attribute_reader()
    {
        const string line = "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"aud\",NAME=\"tricky URI=\",URI=\"real.m3u8\"";

        var rewritten = HlsPlaylistRewriter.Rewrite(line, WithToken);

        Assert.Equal("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"aud\",NAME=\"tricky URI=\",URI=\"real.m3u8?token=t\"", rewritten);
    }

    [Fact]
    public void Absolute_and_query_carrying_uris_are_passed_to_the_rewrite_unchanged()
    {
        var seen = new List<string>();

        HlsPlaylistRewriter.Rewrite("#EXTM3U\n#EXTINF:4,\nhttps://cdn.example/a.ts?x=1&y=2\n", uri =>
        {
            seen.Add(uri);
            return uri;
        });

        Assert.Equal(["https://cdn.example/a.ts?x=1&y=2"], seen);
    }

    [Fact]
    public void Byte_order_mark_header_and_blank_playlist_survive()
    {
        Assert.Equal("\uFEFF#EXTM3U\nseg.ts?token=t\n", HlsPlaylistRewriter.Rewrite("\uFEFF#EXTM3U\nseg.ts\n", WithToken));
        Assert.Equal("", HlsPlaylistRewriter.Rewrite("", WithToken));
        Assert.Equal("\n\r\n  \n", HlsPlaylistRewriter.Rewrite("\n\r\n  \n", WithToken));
    }

    [Theory]
    [InlineData("bad\"quote")]
    [InlineData("line\nbreak")]
    [InlineData("")]
    public void A_rewrite_that_would_corrupt_the_playlist_is_an_error(string replacement)
    {
        Assert.Throws<InvalidOperationException>(() =>
            HlsPlaylistRewriter.Rewrite("#EXT-X-MAP:URI=\"init.mp4\"\n", _ => replacement));
    }

    [Fact]
    public void A_rewrite_that_turns_a_uri_line_into_a_comment_is_an_error()
    {
        Assert.Throws<InvalidOperationException>(() => HlsPlaylistRewriter.Rewrite("#EXTM3U\nseg.ts\n", _ => "#seg.ts"));
    }
}
