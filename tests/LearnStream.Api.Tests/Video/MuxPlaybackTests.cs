using System.Net;
using System.Text.Json;
using System.Web;
using LearnStream.Api.Tests.Enrollment;
using LearnStream.Api.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;

namespace LearnStream.Api.Tests.Video.WithMux;

/// <summary>GET /lessons/{id}/playback with Mux: URLs on Mux's hosts carrying RS256 tokens Mux can verify with the key it issued.</summary>
public abstract class MuxPlaybackTests(StoreFixture fixture)
{
    private readonly HttpClient _client = fixture.App.CreateClient();
    private readonly MuxEmulator _mux = ((IMuxFixture)fixture).Mux;

    private async Task<JsonElement> PlaybackOkAsync(string? token, string lessonId)
    {
        using var response = await _client.SendAsync(HttpMethod.Get, MuxTestApi.PlaybackUrl(lessonId), token);
        return await response.JsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Playback_of_a_ready_video_is_signed_urls_whose_tokens_verify_with_the_signing_keys_public_half()
    {
        var ready = await _client.ReadyVideoAsync(await _client.VideoLessonAsync());
        var learner = await _client.NewUserAsync();
        await _client.EnrollOkAsync(learner.Tokens.AccessToken, ready.Lesson.Course.Id);
        var requestedAt = DateTimeOffset.UtcNow;

        var playback = await PlaybackOkAsync(learner.Tokens.AccessToken, ready.Lesson.LessonId);

        Assert.Equal("mux", playback.Str("provider"));
        Assert.Equal(MuxTestApi.Duration, playback.GetProperty("duration").GetDouble());
        var expiresAt = playback.GetProperty("expiresAt").GetDateTimeOffset();
        // Long enough to watch the lesson with pauses: its duration plus the signer's one-hour margin.
        var expected = requestedAt + TimeSpan.FromSeconds(MuxTestApi.Duration) + TimeSpan.FromHours(1);
        Assert.InRange(expiresAt, expected - TimeSpan.FromSeconds(5), expected + TimeSpan.FromSeconds(30));
        var urls = new[]
        {
            (playback.Str("streamUrl"), $"https://stream.mux.com/{ready.PlaybackId}.m3u8", "v"),
            (playback.Str("thumbnailUrl"), $"https://image.mux.com/{ready.PlaybackId}/thumbnail.jpg", "t"),
            (playback.Str("storyboardUrl"), $"https://image.mux.com/{ready.PlaybackId}/storyboard.vtt", "s"),
        };
        foreach (var (url, resource, audience) in urls)
        {
            var uri = new Uri(url);
            Assert.Equal(resource, uri.GetLeftPart(UriPartial.Path));
            var token = HttpUtility.ParseQueryString(uri.Query)["token"];
            Assert.False(string.IsNullOrEmpty(token), url);
            var header = TokenForge.Header(token);
            Assert.Equal("RS256", header.Str("alg"));
            Assert.Equal(MuxEmulator.SigningKeyId, header.Str("kid"));
            var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
            {
                IssuerSigningKey = new RsaSecurityKey(_mux.SigningKey.ExportParameters(includePrivateParameters: false)) { KeyId = MuxEmulator.SigningKeyId },
                ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
                ValidAudience = audience,
                ValidateIssuer = false,
                RequireExpirationTime = true,
                ClockSkew = TimeSpan.Zero,
            });
            Assert.True(result.IsValid, $"{audience}: {result.Exception?.Message}");
            var claims = TokenForge.ReadClaims(token);
            Assert.Equal(ready.PlaybackId, claims["sub"]);
            Assert.Equal(audience, claims["aud"]);
            Assert.Equal(expiresAt.ToUnixTimeSeconds(), claims["exp"]);
        }
    }

    [Fact]
    public async Task A_token_does_not_verify_under_another_key()
    {
        var ready = await _client.ReadyVideoAsync(await _client.VideoLessonAsync());
        var playback = await PlaybackOkAsync(ready.Lesson.OwnerToken, ready.Lesson.LessonId);
        using var otherKey = System.Security.Cryptography.RSA.Create(2048);

        var token = HttpUtility.ParseQueryString(new Uri(playback.Str("streamUrl")).Query)["token"];
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKey = new RsaSecurityKey(otherKey) { KeyId = MuxEmulator.SigningKeyId },
            ValidAudience = "v",
            ValidateIssuer = false,
        });

        Assert.False(result.IsValid);
    }

    [Fact]
    public async Task Asking_again_gives_the_same_urls_until_they_near_expiry()
    {
        var ready = await _client.ReadyVideoAsync(await _client.VideoLessonAsync());

        var first = await PlaybackOkAsync(ready.Lesson.OwnerToken, ready.Lesson.LessonId);
        await Task.Delay(TimeSpan.FromSeconds(1.1)); // a new token would carry a later exp
        var second = await PlaybackOkAsync(ready.Lesson.OwnerToken, ready.Lesson.LessonId);

        Assert.Equal(first.Str("streamUrl"), second.Str("streamUrl"));
        Assert.Equal(first.Str("expiresAt"), second.Str("expiresAt"));
    }

    [Fact]
    public async Task Playback_before_the_video_is_ready_is_409()
    {
        var lesson = await _client.VideoLessonAsync();
        using var none = await _client.SendAsync(HttpMethod.Get, MuxTestApi.PlaybackUrl(lesson.LessonId), lesson.OwnerToken);
        await _client.CreateUploadOkAsync(lesson.OwnerToken, lesson.LessonId);

        using var uploading = await _client.SendAsync(HttpMethod.Get, MuxTestApi.PlaybackUrl(lesson.LessonId), lesson.OwnerToken);

        await none.ProblemAsync(HttpStatusCode.Conflict);
        var problem = await uploading.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("uploading", problem.Str("detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_preview_lesson_of_a_published_course_plays_for_anyone()
    {
        var ready = await _client.ReadyVideoAsync(await _client.VideoLessonAsync(preview: true));

        var playback = await PlaybackOkAsync(null, ready.Lesson.LessonId);

        Assert.StartsWith($"https://stream.mux.com/{ready.PlaybackId}.m3u8?token=", playback.Str("streamUrl"), StringComparison.Ordinal);
    }
}

public sealed class MuxPlaybackTests_Sqlite(MuxSqliteFixture fixture) : MuxPlaybackTests(fixture), IClassFixture<MuxSqliteFixture>;

public sealed class MuxPlaybackTests_Postgres(MuxPostgresFixture fixture) : MuxPlaybackTests(fixture), IClassFixture<MuxPostgresFixture>;
