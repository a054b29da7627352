using System.Net;
using LearnStream.Api.Tests.Catalog;
using LearnStream.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static LearnStream.Api.Tests.Video.LocalVideoTestApi;

namespace LearnStream.Api.Tests.Video;

/// <summary>
/// Media tokens against the server's clock, which the test moves. The stack is the test's own: once its
/// clock has jumped, fresh logins would carry times in the real future (bearer tokens are checked with the
/// real clock), so no other test may share it. The tokens used after the jump were issued before it.
/// </summary>
public abstract class LocalMediaTokenExpiryTests
{
    protected abstract StoreFixture NewFixture();

    [Fact]
    public async Task A_media_token_works_until_its_expiry_then_is_403_and_playback_asked_again_gives_one_that_works()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var fixture = NewFixture();
        fixture.Services = services => services.AddSingleton<TimeProvider>(clock);
        await fixture.InitializeAsync();
        var client = fixture.App.CreateClient();
        var lesson = await client.ReadyVideoLessonAsync();
        var owner = lesson.Owner.Tokens.AccessToken;
        var playback = await client.PlaybackAsync(owner, lesson.LessonId);
        var expiresAt = playback.GetProperty("expiresAt").GetDateTimeOffset();
        var streamUrl = new Uri(playback.Str("streamUrl"));
        string segmentUrl;
        using (var master = await client.GetAsync(streamUrl))
        {
            var variantUrl = new Uri(streamUrl, PlaylistUris(await master.Content.ReadAsStringAsync())[0]);
            using var variant = await client.GetAsync(variantUrl);
            segmentUrl = new Uri(variantUrl, PlaylistUris(await variant.Content.ReadAsStringAsync())[0]).ToString();
        }
        string[] urls = [streamUrl.ToString(), segmentUrl, playback.Str("thumbnailUrl")];

        clock.SetUtcNow(expiresAt.AddSeconds(-1));
        foreach (var url in urls)
        {
            using var stillValid = await client.GetAsync(url);
            Assert.True(stillValid.StatusCode == HttpStatusCode.OK, $"{url} a second before expiry: {(int)stillValid.StatusCode}");
        }

        clock.SetUtcNow(expiresAt);
        foreach (var url in urls)
        {
            using var expired = await client.GetAsync(url);
            await expired.ProblemAsync(HttpStatusCode.Forbidden);
        }

        var renewed = await client.PlaybackAsync(owner, lesson.LessonId);
        Assert.NotEqual(streamUrl.ToString(), renewed.Str("streamUrl"));
        Assert.True(renewed.GetProperty("expiresAt").GetDateTimeOffset() > clock.GetUtcNow());
        using var again = await client.GetAsync(renewed.Str("streamUrl"));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }
}

public sealed class LocalMediaTokenExpiryTests_Sqlite : LocalMediaTokenExpiryTests
{
    protected override StoreFixture NewFixture() => new SqliteFixture();
}

public sealed class LocalMediaTokenExpiryTests_Postgres : LocalMediaTokenExpiryTests
{
    protected override StoreFixture NewFixture() => new PostgresRedisFixture();
}
