using System.Globalization;
using System.Net;
using LearnStream.Api.Tests.Enrollment;
using LearnStream.Api.Tests.Infrastructure;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;
using static LearnStream.Api.Tests.Progress.ProgressTestApi;

namespace LearnStream.Api.Tests.Progress;

/// <summary>The configured completion threshold and beat rate, set away from their defaults.</summary>
public static class ProgressLimits
{
    public const double Threshold = 0.5;
    public const int BeatsPerMinute = 5;

    public static void Apply(StoreFixture fixture)
    {
        fixture.Overrides["Progress:CompletionThreshold"] = Threshold.ToString(CultureInfo.InvariantCulture);
        fixture.Overrides["Progress:MaxBeatsPerMinute"] = BeatsPerMinute.ToString(CultureInfo.InvariantCulture);
    }
}

public sealed class ProgressLimitsSqliteFixture : SqliteFixture
{
    public ProgressLimitsSqliteFixture() => ProgressLimits.Apply(this);
}

public sealed class ProgressLimitsPostgresFixture : PostgresRedisFixture
{
    public ProgressLimitsPostgresFixture() => ProgressLimits.Apply(this);
}

public abstract class ProgressLimitsTests(StoreFixture fixture)
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    private async Task<(ProgressCourse Course, string Token)> EnrolledAsync()
    {
        var course = await fixture.ProgressCourseAsync(_client, texts: 0);
        var learner = await _client.NewUserAsync();
        await _client.EnrollOkAsync(learner.Tokens.AccessToken, course.Id);
        return (course, learner.Tokens.AccessToken);
    }

    [Fact]
    public async Task The_completion_threshold_comes_from_configuration()
    {
        var (course, token) = await EnrolledAsync();

        var below = await _client.SendBeatOkAsync(token, course.Video, Beat("s1", 1, 49, [[0, 49]]));
        var reached = await _client.SendBeatOkAsync(token, course.Video, Beat("s1", 2, 50, [[49, 50]]));

        Assert.False(below.Flag("completed"));
        Assert.True(reached.Flag("completed"));
        Assert.Equal(50, reached.Num("percent"));
        Assert.Equal(100, (await _client.GetCourseProgressAsync(token, course.Id)).Num("percent"));
    }

    [Fact]
    public async Task Beats_over_the_limit_per_minute_are_429_with_retry_after_and_count_for_nothing()
    {
        var (course, token) = await EnrolledAsync();
        var accepted = 0;
        var refused = 0;

        // Twice the limit and one more: whatever minute boundary falls in between, one minute gets more than the limit.
        for (var i = 0; i < 2 * ProgressLimits.BeatsPerMinute + 1; i++)
        {
            using var response = await _client.SendBeatAsync(token, course.Video, Beat("s1", i, i + 1, [[i * 2, i * 2 + 1]]));
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                accepted++;
                continue;
            }
            var problem = await response.ProblemAsync(HttpStatusCode.TooManyRequests);
            Assert.Contains("progress", problem.Str("detail"), StringComparison.OrdinalIgnoreCase);
            var retryAfter = int.Parse(Assert.Single(response.Headers.GetValues("Retry-After")), CultureInfo.InvariantCulture);
            Assert.InRange(retryAfter, 1, 60);
            refused++;
        }

        Assert.True(refused >= 1, $"{accepted} accepted, none refused");
        Assert.InRange(accepted, ProgressLimits.BeatsPerMinute, 2 * ProgressLimits.BeatsPerMinute);
        // Every beat watched its own second, so the seconds kept are the beats accepted.
        Assert.Equal(accepted, (await _client.GetCourseProgressAsync(token, course.Id)).LessonEntry(course.Video).Num("percent"));
    }

    [Fact]
    public async Task The_limit_counts_per_learner_and_lesson()
    {
        var course = await fixture.ProgressCourseAsync(_client, videos: 2, texts: 0);
        var first = await _client.NewUserAsync();
        var second = await _client.NewUserAsync();
        await _client.EnrollOkAsync(first.Tokens.AccessToken, course.Id);
        await _client.EnrollOkAsync(second.Tokens.AccessToken, course.Id);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 2 * ProgressLimits.BeatsPerMinute + 1; i++)
        {
            using var response = await _client.SendBeatAsync(first.Tokens.AccessToken, course.VideoIds[0], Beat("s1", i, 1));
            statuses.Add(response.StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        await _client.SendBeatOkAsync(first.Tokens.AccessToken, course.VideoIds[1], Beat("s1", 1, 1));
        await _client.SendBeatOkAsync(second.Tokens.AccessToken, course.VideoIds[0], Beat("s1", 1, 1));
    }

    [Fact]
    public async Task Completing_a_text_lesson_is_not_rate_limited()
    {
        var course = await fixture.ProgressCourseAsync(_client, videos: 0, texts: 1);
        var learner = await _client.NewUserAsync();
        await _client.EnrollOkAsync(learner.Tokens.AccessToken, course.Id);

        for (var i = 0; i < 2 * ProgressLimits.BeatsPerMinute + 1; i++)
        {
            using var response = await _client.SendCompleteAsync(learner.Tokens.AccessToken, course.Text);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }
}

public sealed class ProgressLimitsTests_Sqlite(ProgressLimitsSqliteFixture fixture) : ProgressLimitsTests(fixture), IClassFixture<ProgressLimitsSqliteFixture>;

public sealed class ProgressLimitsTests_Postgres(ProgressLimitsPostgresFixture fixture) : ProgressLimitsTests(fixture), IClassFixture<ProgressLimitsPostgresFixture>;
