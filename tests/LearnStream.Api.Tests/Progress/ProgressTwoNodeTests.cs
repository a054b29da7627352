using LearnStream.Api.Features.Progress;
using LearnStream.Api.Tests.Enrollment;
using LearnStream.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static LearnStream.Api.Tests.Progress.ProgressTestApi;

namespace LearnStream.Api.Tests.Progress;

/// <summary>
/// Two nodes on one PostgreSQL and one Redis, a load balancer sending one player's beats to either:
/// every beat lands in the same buffered entry, so once the nodes have pushed each answers with the
/// merged state, and the store ends with the union, however the beats were split and in whatever order
/// they ran.
/// </summary>
public sealed class ProgressTwoNodeTests(PostgresRedisFixture fixture) : IClassFixture<PostgresRedisFixture>
{
    private readonly HttpClient _nodeA = fixture.App.CreateClient();
    private readonly Lazy<LearnStreamApp> _nodeB = new(() => fixture.StartNode());

    [Fact]
    public async Task Beats_for_one_learner_and_lesson_split_over_two_nodes_merge_into_one_state()
    {
        var course = await fixture.ProgressCourseAsync(_nodeA);
        var learner = await _nodeA.NewUserAsync();
        var token = learner.Tokens.AccessToken;
        await _nodeA.EnrollOkAsync(token, course.Id);
        var nodes = new[] { _nodeA, _nodeB.Value.CreateClient() };

        // Forty 2-second slices of the first 80 seconds, sent concurrently, alternating between the nodes.
        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            nodes[i % 2].SendBeatOkAsync(token, course.Video, Beat("tab", i + 1, 2 * i + 2, [[2 * i, 2 * i + 2]]))));
        // Each node pushes every 100 ms on its own; pushed here, A's beats are in Redis and B has fetched them.
        await Push(fixture.App);
        await Push(_nodeB.Value);
        var last = await nodes[1].SendBeatOkAsync(token, course.Video, Beat("tab", 41, 80, [[0, 1]]));

        Assert.All(answers, a => Assert.InRange(a.Num("watchedSeconds"), 2, 80));
        Assert.Equal(80, last.Num("watchedSeconds"));
        Assert.Equal(80, last.Num("position"));
        foreach (var node in nodes)
        {
            var lesson = (await node.GetCourseProgressAsync(token, course.Id)).LessonEntry(course.Video);
            Assert.Equal((80.0 / VideoSeconds * 100, 80.0), (lesson.Num("percent"), lesson.Num("position")));
        }
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<IProgressStore>().FindAsync(Guid.Parse(learner.Id), course.Video, default);
        Assert.NotNull(stored);
        Assert.Equal([new Interval(0, 80)], stored.Watched.Items);
    }

    private static Task Push(LearnStreamApp node) => Assert.IsType<RedisProgressBuffer>(node.Services.GetRequiredService<IProgressBuffer>()).PushAsync();
}
