using System.Net;
using System.Text.Json;
using LearnStream.Api.Tests.Catalog;
using LearnStream.Api.Tests.Infrastructure;
using static LearnStream.Api.Tests.Video.LocalVideoTestApi;

namespace LearnStream.Api.Tests.Video;

/// <summary>Two ready lessons of one course, transcoded once per store and shared by the tests of the class.</summary>
public sealed record ReadyLessons(VideoLesson First, VideoLesson Second, JsonElement FirstVideo);

/// <summary>
/// The self-hosted pipeline end to end with real ffmpeg: upload, transcode, playback, and the signed
/// <c>/media</c> URLs a player follows. The token and path attacks are in the other part of this class.
/// </summary>
public abstract partial class LocalVideoPlaybackTests(StoreFixture fixture)
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    private Task<ReadyLessons> LessonsAsync() => fixture.SharedAsync(nameof(ReadyLessons), async () =>
    {
        var first = await _client.VideoCourseAsync();
        var firstVideo = await _client.UploadClipUntilReadyAsync(first);
        var second = await _client.AddVideoLessonAsync(first);
        await _client.UploadClipUntilReadyAsync(second);
        return new ReadyLessons(first, second, firstVideo);
    });

    private async Task<JsonElement> OwnerPlaybackAsync(VideoLesson lesson) =>
        await _client.PlaybackAsync(lesson.Owner.Tokens.AccessToken, lesson.LessonId);

    [Fact]
    public async Task An_uploaded_clip_ends_ready_with_the_clip_duration()
    {
        var video = (await LessonsAsync()).FirstVideo;

        Assert.Equal("ready", video.Str("status"));
        Assert.Equal("local", video.Str("provider"));
        Assert.Equal(ClipSeconds, video.GetProperty("duration").GetDouble(), tolerance: 0.5);
        Assert.False(string.IsNullOrEmpty(video.Str("assetId")));
        Assert.Equal(JsonValueKind.Null, video.GetProperty("error").ValueKind);
    }

    [Fact]
    public async Task Playback_gives_signed_urls_that_live_longer_than_the_video()
    {
        var lesson = (await LessonsAsync()).First;

        var playback = await OwnerPlaybackAsync(lesson);

        Assert.Equal("local", playback.Str("provider"));
        Assert.StartsWith($"http://localhost/media/{lesson.LessonId}/master.m3u8?token=", playback.Str("streamUrl"), StringComparison.Ordinal);
        Assert.StartsWith($"http://localhost/media/{lesson.LessonId}/poster.jpg?token=", playback.Str("thumbnailUrl"), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, playback.GetProperty("storyboardUrl").ValueKind);
        Assert.Equal(ClipSeconds, playback.GetProperty("duration").GetDouble(), tolerance: 0.5);
        Assert.Equal(0, playback.GetProperty("resumePosition").GetDouble());
        var expiresAt = playback.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expiresAt, DateTimeOffset.UtcNow.AddSeconds(ClipSeconds + 60), DateTimeOffset.UtcNow.AddDays(1));
    }

    [Fact]
    public async Task Playback_asked_again_returns_the_same_urls_until_they_near_expiry()
    {
        var lesson = (await LessonsAsync()).First;

        var first = await OwnerPlaybackAsync(lesson);
        var second = await OwnerPlaybackAsync(lesson);

        Assert.Equal(first.Str("streamUrl"), second.Str("streamUrl"));
        Assert.Equal(first.Str("expiresAt"), second.Str("expiresAt"));
    }

    [Fact]
    public async Task The_master_playlist_lists_at_least_two_variants_whose_uris_carry_the_token()
    {
        var lesson = (await LessonsAsync()).First;
        var streamUrl = (await OwnerPlaybackAsync(lesson)).Str("streamUrl");

        using var response = await _client.GetAsync(streamUrl);
        var master = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.apple.mpegurl", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("#EXTM3U", master, StringComparison.Ordinal);
        Assert.True(master.Split('\n').Count(l => l.StartsWith("#EXT-X-STREAM-INF:", StringComparison.Ordinal)) >= 2, master);
        var uris = PlaylistUris(master);
        Assert.True(uris.Count >= 2, master);
        Assert.All(uris, uri => Assert.Equal(MediaToken(streamUrl), MediaToken(new Uri(new Uri(streamUrl), uri).ToString())));
        Assert.Contains("private", response.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_variant_playlist_and_a_segment_are_served_through_the_rewritten_uris()
    {
        var lesson = (await LessonsAsync()).First;
        var streamUrl = new Uri((await OwnerPlaybackAsync(lesson)).Str("streamUrl"));
        using var masterResponse = await _client.GetAsync(streamUrl);
        var variantUrl = new Uri(streamUrl, PlaylistUris(await masterResponse.Content.ReadAsStringAsync())[0]);

        using var variantResponse = await _client.GetAsync(variantUrl);
        var variant = await variantResponse.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, variantResponse.StatusCode);
        Assert.Contains("#EXTINF:", variant, StringComparison.Ordinal);
        Assert.Contains("#EXT-X-ENDLIST", variant, StringComparison.Ordinal);
        var segments = PlaylistUris(variant);
        Assert.True(segments.Count >= 2, variant);
        var segmentUrl = new Uri(variantUrl, segments[0]);
        Assert.Equal(MediaToken(streamUrl.ToString()), MediaToken(segmentUrl.ToString()));

        using var segment = await _client.GetAsync(segmentUrl);
        var bytes = await segment.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, segment.StatusCode);
        Assert.Equal("video/mp2t", segment.Content.Headers.ContentType?.MediaType);
        Assert.NotEmpty(bytes);
        Assert.Equal(0x47, bytes[0]); // the MPEG-TS sync byte
    }

    [Fact]
    public async Task The_poster_behind_thumbnailUrl_is_a_jpeg()
    {
        var lesson = (await LessonsAsync()).First;
        var thumbnailUrl = (await OwnerPlaybackAsync(lesson)).Str("thumbnailUrl");

        using var response = await _client.GetAsync(thumbnailUrl);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        Assert.True(bytes.Length > 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF, "not a JPEG");
    }

    [Fact]
    public async Task Deleting_the_lesson_removes_its_media_so_its_old_urls_answer_404()
    {
        var lesson = await _client.ReadyVideoLessonAsync();
        var owner = lesson.Owner.Tokens.AccessToken;
        var playback = await OwnerPlaybackAsync(lesson);
        using (var before = await _client.GetAsync(playback.Str("thumbnailUrl")))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using (var deleted = await _client.SendAsync(HttpMethod.Delete, $"/api/v1/lessons/{lesson.LessonId}", owner))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        foreach (var url in new[] { playback.Str("streamUrl"), playback.Str("thumbnailUrl") })
        {
            using var after = await _client.GetAsync(url);
            await after.ProblemAsync(HttpStatusCode.NotFound);
        }
        Assert.False(Directory.Exists(Path.Combine(fixture.DataPath, "media", lesson.LessonId)));
        using var video = await _client.SendAsync(HttpMethod.Get, VideoUrl(lesson.LessonId), owner);
        await video.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Deleting_a_section_then_the_draft_course_removes_the_media_of_their_lessons()
    {
        // The lesson test above shows the URLs die with the files; here only which lessons lose their
        // files matters, so the videos are quick errored uploads with a rendition set planted for each.
        var inFirst = await _client.VideoCourseAsync(publish: false);
        var owner = inFirst.Owner.Tokens.AccessToken;
        var secondSection = await _client.AddSectionAsync(owner, inFirst.CourseId, "Second");
        var inSecond = await _client.AddVideoLessonAsync(inFirst with { SectionId = secondSection.Str("id") });
        var media = Path.Combine(fixture.DataPath, "media");
        foreach (var lesson in new[] { inFirst, inSecond })
        {
            await _client.UploadAsync(owner, lesson.LessonId, "not a video"u8.ToArray());
            await _client.WaitForVideoAsync(owner, lesson.LessonId);
            Directory.CreateDirectory(Path.Combine(media, lesson.LessonId, "240p"));
            File.WriteAllText(Path.Combine(media, lesson.LessonId, "240p", "index.m3u8"), "#EXTM3U\n");
        }

        using (var deleted = await _client.SendAsync(HttpMethod.Delete, $"{CatalogTestApi.Courses}/{inFirst.CourseId}/sections/{inFirst.SectionId}", owner))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        Assert.False(Directory.Exists(Path.Combine(media, inFirst.LessonId)));
        Assert.True(Directory.Exists(Path.Combine(media, inSecond.LessonId)));

        using (var deleted = await _client.SendAsync(HttpMethod.Delete, $"{CatalogTestApi.Courses}/{inFirst.CourseId}", owner))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        Assert.False(Directory.Exists(Path.Combine(media, inSecond.LessonId)));
    }
}

public sealed class LocalVideoPlaybackTests_Sqlite(SqliteFixture fixture) : LocalVideoPlaybackTests(fixture), IClassFixture<SqliteFixture>;

public sealed class LocalVideoPlaybackTests_Postgres(PostgresRedisFixture fixture) : LocalVideoPlaybackTests(fixture), IClassFixture<PostgresRedisFixture>;
