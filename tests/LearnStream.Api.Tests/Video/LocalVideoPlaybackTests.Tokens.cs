using System.Net;
using LearnStream.Api.Tests.Catalog;
using LearnStream.Api.Tests.Infrastructure;
using static LearnStream.Api.Tests.Video.LocalVideoTestApi;

namespace LearnStream.Api.Tests.Video;

/// <summary>What <c>/media</c> refuses: forged, foreign and missing tokens, and paths that try to leave the media directory.</summary>
public abstract partial class LocalVideoPlaybackTests
{
    /// <summary>Planted outside the media directory with a servable extension: no request may ever return it.</summary>
    private const string Secret = "#EXTM3U\n# " + SecretMarker + ": a request that returns this has escaped the media directory\n";

    /// <summary>In the planted files' content and never in a request path, which problem bodies echo.</summary>
    private const string SecretMarker = "c0ffee-secret-7d1e";

    private async Task<(string LessonId, string Token)> TokenOfFirstLessonAsync()
    {
        var lesson = (await LessonsAsync()).First;
        return (lesson.LessonId, MediaToken((await OwnerPlaybackAsync(lesson)).Str("streamUrl")));
    }

    private static async Task AssertForbiddenAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{(int)response.StatusCode}: {body}");
        Assert.DoesNotContain("#EXTM3U", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(-10)]
    [InlineData(-1)]
    public async Task A_token_with_one_character_changed_is_403(int position)
    {
        var (lessonId, token) = await TokenOfFirstLessonAsync();
        var index = position >= 0 ? position : token.Length + position;
        var tampered = token[..index] + (token[index] == 'A' ? 'B' : 'A') + token[(index + 1)..];

        using var master = await _client.GetAsync($"/media/{lessonId}/master.m3u8?token={tampered}");
        using var poster = await _client.GetAsync($"/media/{lessonId}/poster.jpg?token={tampered}");

        await AssertForbiddenAsync(master);
        await AssertForbiddenAsync(poster);
    }

    [Fact]
    public async Task A_token_of_another_lesson_opens_nothing_of_this_one()
    {
        var lessons = await LessonsAsync();
        var secondToken = MediaToken((await OwnerPlaybackAsync(lessons.Second)).Str("streamUrl"));
        var (firstId, firstToken) = await TokenOfFirstLessonAsync();
        using (var own = await _client.GetAsync($"/media/{firstId}/master.m3u8?token={firstToken}"))
        {
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        }

        using var master = await _client.GetAsync($"/media/{firstId}/master.m3u8?token={secondToken}");
        using var poster = await _client.GetAsync($"/media/{firstId}/poster.jpg?token={secondToken}");

        await AssertForbiddenAsync(master);
        await AssertForbiddenAsync(poster);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?token=")]
    [InlineData("?token")]
    [InlineData("?access_token=x")]
    public async Task A_missing_or_empty_token_is_403(string query)
    {
        var (lessonId, _) = await TokenOfFirstLessonAsync();

        using var response = await _client.GetAsync($"/media/{lessonId}/master.m3u8{query}");

        await AssertForbiddenAsync(response);
    }

    [Theory]
    [InlineData("{lesson}/../../planted.m3u8")]
    [InlineData("{lesson}/../../keys/planted.m3u8")]
    [InlineData("{lesson}/%2e%2e/%2e%2e/planted.m3u8")]
    [InlineData("{lesson}/%2E%2E/%2E%2E/keys/planted.m3u8")]
    [InlineData("{lesson}%2F..%2F..%2Fplanted.m3u8")]
    [InlineData("{lesson}/..%2F..%2Fplanted.m3u8")]
    [InlineData("{lesson}/%252e%252e/%252e%252e/planted.m3u8")]
    [InlineData("{lesson}/..%5C..%5Cplanted.m3u8")]
    [InlineData("{lesson}/./../../planted.m3u8")]
    [InlineData("/{data}/planted.m3u8")]
    [InlineData("%2F{data}%2Fplanted.m3u8")]
    [InlineData("{lesson}/../../keys/media-token.key")]
    [InlineData("{lesson}/../../keys/jwt-es256.pem")]
    [InlineData("{lesson}/notes.txt")]
    [InlineData(".incoming/planted.ts")]
    [InlineData("{lesson}/leak.m3u8")]
    public async Task A_path_that_leaves_the_media_directory_or_names_a_file_not_served_is_refused(string path)
    {
        var (lessonId, token) = await TokenOfFirstLessonAsync();
        var media = Path.Combine(fixture.DataPath, "media");
        PlantFiles(media, lessonId);
        var url = "/media/" + path.Replace("{lesson}", lessonId, StringComparison.Ordinal)
            .Replace("{data}", fixture.DataPath.TrimStart('/'), StringComparison.Ordinal) + "?token=" + token;

        // As a client sends it (HttpClient may normalise it first), and as a server that decodes nothing would pass it on.
        using var response = await _client.GetAsync(url);
        var (rawStatus, rawBody) = await fixture.App.Server.GetRawAsync(url);

        foreach (var (status, body) in new[] { (response.StatusCode, await response.Content.ReadAsStringAsync()), (rawStatus, rawBody) })
        {
            Assert.True(status is HttpStatusCode.NotFound or HttpStatusCode.Forbidden, $"{url}: {(int)status} {body}");
            Assert.DoesNotContain(SecretMarker, body, StringComparison.Ordinal);
            Assert.DoesNotContain("PRIVATE KEY", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_traversal_test_aims_at_real_files_and_its_raw_requests_reach_the_media_route()
    {
        // Guards the test above: its paths must point at real files and its raw requests must be served
        // when legitimate, or a 404 would prove nothing.
        var (lessonId, token) = await TokenOfFirstLessonAsync();
        var (status, master) = await fixture.App.Server.GetRawAsync($"/media/{lessonId}/master.m3u8?token={token}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("#EXTM3U", master, StringComparison.Ordinal);

        var media = Path.Combine(fixture.DataPath, "media");
        PlantFiles(media, lessonId);
        var lessonDirectory = Path.Combine(media, lessonId);

        Assert.Equal(Secret, await File.ReadAllTextAsync(Path.GetFullPath(Path.Combine(lessonDirectory, "../../planted.m3u8"))));
        Assert.Equal(Secret, await File.ReadAllTextAsync(Path.GetFullPath(Path.Combine(lessonDirectory, "../../keys/planted.m3u8"))));
        Assert.Equal(Secret, await File.ReadAllTextAsync(Path.Combine(lessonDirectory, "leak.m3u8")));
        Assert.True(File.Exists(Path.Combine(lessonDirectory, "../../keys/media-token.key")));
        Assert.True(File.Exists(Path.Combine(lessonDirectory, "../../keys/jwt-es256.pem")));
    }

    private void PlantFiles(string media, string lessonId)
    {
        File.WriteAllText(Path.Combine(fixture.DataPath, "planted.m3u8"), Secret);
        File.WriteAllText(Path.Combine(fixture.DataPath, "keys", "planted.m3u8"), Secret);
        File.WriteAllText(Path.Combine(media, lessonId, "notes.txt"), SecretMarker);
        File.WriteAllText(Path.Combine(media, ".incoming", "planted.ts"), SecretMarker);
        var link = Path.Combine(media, lessonId, "leak.m3u8");
        if (new FileInfo(link).LinkTarget is null)
        {
            File.CreateSymbolicLink(link, Path.Combine("..", "..", "planted.m3u8"));
        }
    }
}
