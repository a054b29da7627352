using System.Net;
using LearnStream.Api.Tests.Infrastructure;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;

namespace LearnStream.Api.Tests.Enrollment;

/// <summary>
/// Two nodes on one PostgreSQL and one Redis: an enrollment change made through one node must be what
/// the other enforces once Redis tells it, even after it cached the lesson for that learner.
/// </summary>
public sealed class EnrollmentTwoNodeTests(PostgresRedisFixture fixture) : IClassFixture<PostgresRedisFixture>
{
    private readonly HttpClient _nodeA = fixture.App.CreateClient();
    private readonly Lazy<HttpClient> _nodeB = new(() => fixture.StartNode().CreateClient());

    private Task EventuallyOnNodeBAsync(string what, Func<HttpClient, Task<bool>> seen) =>
        TwoNodes.EventuallyAsync(() => seen(_nodeB.Value), $"node B still {what}");

    [Fact]
    public async Task A_revoke_on_one_node_hides_the_lesson_body_on_the_other()
    {
        var course = await _nodeA.PublishedCourseAsync($"Two nodes {Marker()}");
        var learner = await _nodeA.NewUserAsync();
        var token = learner.Tokens.AccessToken;
        await _nodeA.EnrollOkAsync(token, course.Id);
        Assert.Equal("Lesson body text", await _nodeB.Value.LessonBodyAsync(token, course.LessonId));
        var admin = await _nodeA.LoginAdminAsync();

        using (var revoke = await _nodeA.RevokeAsync(admin.AccessToken, course.Id, learner.Id))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        await EventuallyOnNodeBAsync("served the lesson body to a revoked learner",
            async b => await b.LessonBodyAsync(token, course.LessonId) is null);
    }

    [Fact]
    public async Task An_enrollment_on_one_node_unlocks_the_lesson_body_on_the_other()
    {
        var course = await _nodeA.PublishedCourseAsync($"Two nodes {Marker()}");
        var learner = await _nodeA.NewUserAsync();
        var token = learner.Tokens.AccessToken;
        Assert.Null(await _nodeB.Value.LessonBodyAsync(token, course.LessonId));

        await _nodeA.EnrollOkAsync(token, course.Id);

        await EventuallyOnNodeBAsync("withheld the lesson body from an enrolled learner",
            async b => await b.LessonBodyAsync(token, course.LessonId) == "Lesson body text");
    }
}
