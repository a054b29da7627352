using System.Net;
using System.Text;
using LearnStream.Api.Tests.Enrollment;
using LearnStream.Api.Tests.Infrastructure;
using LearnStream.Api.Tests.Video;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;
using static LearnStream.Api.Tests.Progress.ProgressTestApi;

namespace LearnStream.Api.Tests.Progress;

/// <summary>Beats a player should never send: each is a 400 problem and leaves the learner's progress as it was.</summary>
public abstract class ProgressValidationTests(StoreFixture fixture)
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    private const string Valid = """{"sessionId":"s1","sequence":2,"position":10,"watched":[[0,10]],"event":"heartbeat"}""";

    public static TheoryData<string, string> WrongFields => new()
    {
        { "sessionId", """{"sequence":2,"position":10,"watched":[[0,10]],"event":"heartbeat"}""" },
        { "sessionId", """{"sessionId":"","sequence":2,"position":10,"watched":[[0,10]],"event":"heartbeat"}""" },
        { "sessionId", $$"""{"sessionId":"{{new string('s', 65)}}","sequence":2,"position":10,"watched":[[0,10]],"event":"heartbeat"}""" },
        { "sequence", """{"sessionId":"s1","position":10,"watched":[[0,10]],"event":"heartbeat"}""" },
        { "sequence", """{"sessionId":"s1","sequence":-1,"position":10,"watched":[[0,10]],"event":"heartbeat"}""" },
        { "position", """{"sessionId":"s1","sequence":2,"watched":[[0,10]],"event":"heartbeat"}""" },
        { "position", """{"sessionId":"s1","sequence":2,"position":-3,"watched":[[0,10]],"event":"heartbeat"}""" },
        { "watched", """{"sessionId":"s1","sequence":2,"position":10,"event":"heartbeat"}""" },
        { "watched", """{"sessionId":"s1","sequence":2,"position":10,"watched":[[10,0]],"event":"heartbeat"}""" },
        { "watched", """{"sessionId":"s1","sequence":2,"position":10,"watched":[[-5,0]],"event":"heartbeat"}""" },
        { "watched", """{"sessionId":"s1","sequence":2,"position":10,"watched":[[0,10,20]],"event":"heartbeat"}""" },
        { "watched", """{"sessionId":"s1","sequence":2,"position":10,"watched":[[1]],"event":"heartbeat"}""" },
        { "watched", """{"sessionId":"s1","sequence":2,"position":10,"watched":[null],"event":"heartbeat"}""" },
        { "watched", $$"""{"sessionId":"s1","sequence":2,"position":10,"watched":[{{string.Join(",", Enumerable.Range(0, 65).Select(i => $"[{i},{i + 1}]"))}}],"event":"heartbeat"}""" },
        { "event", """{"sessionId":"s1","sequence":2,"position":10,"watched":[[0,10]]}""" },
        { "event", """{"sessionId":"s1","sequence":2,"position":10,"watched":[[0,10]],"event":"rewind"}""" },
        { "event", """{"sessionId":"s1","sequence":2,"position":10,"watched":[[0,10]],"event":"2"}""" },
    };

    /// <summary>Bodies that do not bind at all: wrong JSON types, non-numbers where numbers belong, not JSON.</summary>
    public static TheoryData<string> Unreadable => new()
    {
        """{"sessionId":"s1","sequence":2,"position":"ten","watched":[[0,10]],"event":"heartbeat"}""",
        """{"sessionId":"s1","sequence":2,"position":"NaN","watched":[[0,10]],"event":"heartbeat"}""",
        """{"sessionId":"s1","sequence":2,"position":"-Infinity","watched":[[0,10]],"event":"heartbeat"}""",
        """{"sessionId":"s1","sequence":2,"position":NaN,"watched":[[0,10]],"event":"heartbeat"}""",
        """{"sessionId":"s1","sequence":2.5,"position":10,"watched":[[0,10]],"event":"heartbeat"}""",
        """{"sessionId":"s1","sequence":99999999999999999999,"position":10,"watched":[[0,10]],"event":"heartbeat"}""",
        """{"sessionId":"s1","sequence":2,"position":1e999,"watched":[[0,10]],"event":"heartbeat"}""",
        """{"sessionId":"s1","sequence":2,"position":10,"watched":[[0,"Infinity"]],"event":"heartbeat"}""",
        """{"sessionId":"s1","sequence":2,"position":10,"watched":[[0,"x"]],"event":"heartbeat"}""",
        """{"sessionId":"s1","sequence":2,"position":10,"watched":[[0,null]],"event":"heartbeat"}""",
        """{"sessionId":"s1","sequence":2,"position":10,"watched":"0-10","event":"heartbeat"}""",
        """{"sessionId":7,"sequence":2,"position":10,"watched":[[0,10]],"event":"heartbeat"}""",
        """{"sessionId":"s1","sequence":2,"position":10,"watched":[[0,10]],"event":"heartbeat" """,
        "null",
        "",
        // One good value followed by more: the body as a whole is not one JSON value.
        Valid + " {}",
        Valid + "x",
        "[" + Valid + "]",
        // What the API's JSON options refuse anywhere: a trailing comma, a comment.
        Valid.Replace("}", ",}", StringComparison.Ordinal),
        Valid.Replace("{", "{/* beat */", StringComparison.Ordinal),
    };

    private sealed record Watcher(ProgressCourse Course, string Token);

    /// <summary>One learner with some progress, shared by the tests of the class: every test compares before and after itself.</summary>
    private async Task<(ProgressCourse Course, string Token)> WatchedOnceAsync()
    {
        var watcher = await fixture.SharedAsync("watcher", async () =>
        {
            var course = await fixture.ProgressCourseAsync(_client, texts: 0);
            var learner = await _client.NewUserAsync();
            var token = learner.Tokens.AccessToken;
            await _client.EnrollOkAsync(token, course.Id);
            await _client.SendBeatOkAsync(token, course.Video, Beat("s0", 1, 5, [[0, 5]]));
            return new Watcher(course, token);
        });
        return (watcher.Course, watcher.Token);
    }

    [Theory]
    [MemberData(nameof(WrongFields))]
    public async Task A_wrong_or_missing_field_is_a_400_naming_it_and_changes_nothing(string field, string body)
    {
        var (course, token) = await WatchedOnceAsync();
        var before = (await _client.GetCourseProgressAsync(token, course.Id)).GetRawText();

        using var response = await _client.SendAsync(RawJson(HttpMethod.Post, BeatUrl(course.Video), token, body));

        await response.AssertValidationAsync(field);
        Assert.Equal(before, (await _client.GetCourseProgressAsync(token, course.Id)).GetRawText());
    }

    [Theory]
    [MemberData(nameof(Unreadable))]
    public async Task A_body_that_does_not_bind_is_a_400_problem_and_changes_nothing(string body)
    {
        var (course, token) = await WatchedOnceAsync();
        var before = (await _client.GetCourseProgressAsync(token, course.Id)).GetRawText();

        using var response = await _client.SendAsync(RawJson(HttpMethod.Post, BeatUrl(course.Video), token, body));

        await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(before, (await _client.GetCourseProgressAsync(token, course.Id)).GetRawText());
    }

    [Fact]
    public async Task A_beat_in_another_content_type_is_a_415_and_an_oversized_one_a_413_and_neither_changes_anything()
    {
        var (course, token) = await WatchedOnceAsync();
        var before = (await _client.GetCourseProgressAsync(token, course.Id)).GetRawText();
        using var text = Request(HttpMethod.Post, BeatUrl(course.Video), token);
        text.Content = new StringContent(Valid, Encoding.UTF8, "text/plain");
        var padded = Valid.Replace("\"event\"", $"\"padding\":\"{new string('x', 300_000)}\",\"event\"", StringComparison.Ordinal);

        using var wrongType = await _client.SendAsync(text);
        using var oversized = await _client.SendAsync(RawJson(HttpMethod.Post, BeatUrl(course.Video), token, padded));

        await wrongType.ProblemAsync(HttpStatusCode.UnsupportedMediaType);
        await oversized.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(before, (await _client.GetCourseProgressAsync(token, course.Id)).GetRawText());
    }

    [Fact]
    public async Task The_well_formed_body_the_other_cases_break_is_accepted()
    {
        var (course, token) = await WatchedOnceAsync();

        using var response = await _client.SendAsync(RawJson(HttpMethod.Post, BeatUrl(course.Video), token, Valid));

        var progress = await response.JsonAsync(HttpStatusCode.Accepted);
        Assert.True(progress.Num("watchedSeconds") >= 10, progress.GetRawText());
    }

    [Fact]
    public async Task Events_are_read_in_any_case_and_sixty_four_intervals_are_accepted()
    {
        var (course, token) = await WatchedOnceAsync();
        var before = (await _client.GetCourseProgressAsync(token, course.Id)).LessonEntry(course.Video).Num("percent");
        var watched = Enumerable.Range(0, 64).Select(_ => new double[] { 30, 40 }).ToArray();

        var progress = await _client.SendBeatOkAsync(token, course.Video, Beat("s1", 1, 40, watched, "PAUSE"));

        Assert.True(before < 20, $"{before}");
        Assert.Equal(before + 10, progress.Num("watchedSeconds"));
    }

    [Theory]
    [InlineData("?page=0", "page")]
    [InlineData("?pageSize=101", "pageSize")]
    [InlineData("?pageSize=0", "pageSize")]
    [InlineData("?page=-1&pageSize=10", "page")]
    public async Task History_with_a_bad_page_is_a_400_naming_it(string query, string field)
    {
        var (_, token) = await WatchedOnceAsync();

        using var response = await _client.SendHistoryAsync(token, query);

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal([field], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
    }

    [Fact]
    public async Task History_with_a_page_that_is_not_a_number_is_a_400_problem()
    {
        var (_, token) = await WatchedOnceAsync();

        using var response = await _client.SendHistoryAsync(token, "?page=two");

        await response.ProblemAsync(HttpStatusCode.BadRequest);
    }
}

public sealed class ProgressValidationTests_Sqlite(SqliteFixture fixture) : ProgressValidationTests(fixture), IClassFixture<SqliteFixture>;

public sealed class ProgressValidationTests_Postgres(PostgresRedisFixture fixture) : ProgressValidationTests(fixture), IClassFixture<PostgresRedisFixture>;
