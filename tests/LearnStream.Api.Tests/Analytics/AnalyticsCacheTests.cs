using LearnStream.Api.Tests.Infrastructure;

namespace LearnStream.Api.Tests.Analytics;

/// <summary>Analytics answers are cached per course for Progress:AnalyticsCacheSeconds (60 by default), and not at all with 0.</summary>
public abstract class AnalyticsCacheTests(StoreFixture fixture, bool cached)
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    [Fact]
    public async Task New_progress_shows_after_the_cache_time_and_at_once_without_a_cache()
    {
        var course = await fixture.AnalyticsCourseAsync(_client);
        var token = course.Owner.Tokens.AccessToken;
        await _client.WatchForAnalyticsAsync(await _client.AnalyticsLearnerAsync(course.Id), course.Video1, [0, 40]);
        await fixture.FlushForAnalyticsAsync();
        var before = await _client.GetAnalyticsOkAsync(token, AnalyticsTestApi.CourseAnalyticsUrl(course.Id));

        await _client.WatchForAnalyticsAsync(await _client.AnalyticsLearnerAsync(course.Id), course.Video1, [0, 40]);
        await fixture.FlushForAnalyticsAsync();
        var after = await _client.GetAnalyticsOkAsync(token, AnalyticsTestApi.CourseAnalyticsUrl(course.Id));
        var lesson = await _client.GetAnalyticsOkAsync(token, AnalyticsTestApi.LessonAnalyticsUrl(course.Video1));

        Assert.Equal(1, before.GetProperty("viewers").GetInt32());
        var expected = cached ? 1 : 2;
        Assert.Equal(expected, after.GetProperty("viewers").GetInt32());
        Assert.Equal(expected, lesson.GetProperty("viewers").GetInt32());
        // The lesson's figures come from the same per-course answer.
        Assert.Equal(cached, before.GetProperty("computedAt").GetDateTimeOffset() == lesson.GetProperty("computedAt").GetDateTimeOffset());
    }
}

/// <summary>The default: cached in process for 60 seconds.</summary>
public sealed class AnalyticsCacheTests_Sqlite(SqliteFixture fixture) : AnalyticsCacheTests(fixture, cached: true), IClassFixture<SqliteFixture>;

public sealed class AnalyticsCacheOffTests_Sqlite(AnalyticsUncachedFixture fixture) : AnalyticsCacheTests(fixture, cached: false), IClassFixture<AnalyticsUncachedFixture>;

/// <summary>Cached in memory and Redis; a second node reads the first node's answer from Redis.</summary>
public sealed class AnalyticsCacheTests_Postgres(PostgresRedisFixture fixture) : AnalyticsCacheTests(fixture, cached: true), IClassFixture<PostgresRedisFixture>
{
    private readonly PostgresRedisFixture _fixture = fixture;

    [Fact]
    public async Task A_second_node_serves_the_answer_the_first_node_computed()
    {
        var client = _fixture.App.CreateClient();
        var course = await _fixture.AnalyticsCourseAsync(client);
        var token = course.Owner.Tokens.AccessToken;
        await client.WatchForAnalyticsAsync(await client.AnalyticsLearnerAsync(course.Id), course.Video1, [0, 100]);
        await _fixture.FlushForAnalyticsAsync();
        var first = await client.GetAnalyticsOkAsync(token, AnalyticsTestApi.CourseAnalyticsUrl(course.Id));

        var node = _fixture.StartNode();
        var second = await node.CreateClient().GetAnalyticsOkAsync(token, AnalyticsTestApi.CourseAnalyticsUrl(course.Id));
        var lesson = await node.CreateClient().GetAnalyticsOkAsync(token, AnalyticsTestApi.LessonAnalyticsUrl(course.Video1));

        Assert.Equal(first.GetRawText(), second.GetRawText());
        Assert.Equal(first.GetProperty("computedAt").GetDateTimeOffset(), lesson.GetProperty("computedAt").GetDateTimeOffset());
        Assert.Equal((1, 1, 100.0), (lesson.GetProperty("completions").GetInt32(), lesson.GetProperty("viewers").GetInt32(), lesson.AnalyticsNumber("completionRate")));
    }
}

/// <summary>SQLite with the analytics cache switched off.</summary>
public sealed class AnalyticsUncachedFixture : SqliteFixture
{
    public AnalyticsUncachedFixture() => Overrides["Progress:AnalyticsCacheSeconds"] = "0";
}
