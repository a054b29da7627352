using System.Net;
using LearnStream.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static LearnStream.Api.Tests.Catalog.CatalogTestApi;
using static LearnStream.Api.Tests.Enrollment.EnrollmentTestApi;

namespace LearnStream.Api.Tests.Enrollment;

/// <summary>Enrollments with an expiry, with the server's clock under test control; no background job is involved.</summary>
public abstract class EnrollmentExpiryTests
{
    protected abstract StoreFixture NewFixture();

    private async Task<(StoreFixture Fixture, FakeTimeProvider Clock, HttpClient Client)> StartAsync()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var fixture = NewFixture();
        fixture.Services = services => services.AddSingleton<TimeProvider>(clock);
        await fixture.InitializeAsync();
        return (fixture, clock, fixture.App.CreateClient());
    }

    [Fact]
    public async Task An_enrollment_past_its_expiry_is_listed_as_expired_and_no_longer_unlocks_lessons()
    {
        var (fixture, clock, client) = await StartAsync();
        await using var _ = fixture;
        var course = await client.PublishedCourseAsync();
        var learner = await client.NewUserAsync();
        var expiresAt = Iso(clock.GetUtcNow().AddHours(1));
        var granted = await client.GrantOkAsync(course.Id, learner.Id, expiresAt);
        Assert.Equal("active", granted.Str("status"));
        Assert.Equal("Lesson body text", await client.LessonBodyAsync(learner.Tokens.AccessToken, course.LessonId));

        clock.Advance(TimeSpan.FromHours(2));
        // Access tokens are checked against the real clock, so the learner's first token still works; a
        // token issued after the jump would carry a not-before two hours in the real future.
        var token = learner.Tokens.AccessToken;

        var listed = await client.MyEnrollmentAsync(token, course.Id);
        Assert.Equal("expired", listed?.Str("status"));
        Assert.Equal(DateTimeOffset.Parse(expiresAt), listed?.UtcTime("expiresAt"));
        Assert.Null(await client.LessonBodyAsync(token, course.LessonId));
    }

    [Fact]
    public async Task An_enrollment_before_its_expiry_stays_active_and_unlocks_lessons()
    {
        var (fixture, clock, client) = await StartAsync();
        await using var _ = fixture;
        var course = await client.PublishedCourseAsync();
        var learner = await client.NewUserAsync();
        await client.GrantOkAsync(course.Id, learner.Id, Iso(clock.GetUtcNow().AddHours(3)));
        Assert.Equal("Lesson body text", await client.LessonBodyAsync(learner.Tokens.AccessToken, course.LessonId));

        clock.Advance(TimeSpan.FromHours(2));
        // Access tokens are checked against the real clock, so the learner's first token still works; a
        // token issued after the jump would carry a not-before two hours in the real future.
        var token = learner.Tokens.AccessToken;

        Assert.Equal("active", (await client.MyEnrollmentAsync(token, course.Id))?.Str("status"));
        Assert.Equal("Lesson body text", await client.LessonBodyAsync(token, course.LessonId));
        using var again = await client.EnrollAsync(token, course.Id);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }
}

public sealed class EnrollmentExpiryTests_Sqlite : EnrollmentExpiryTests
{
    protected override StoreFixture NewFixture() => new SqliteFixture();
}

public sealed class EnrollmentExpiryTests_Postgres : EnrollmentExpiryTests
{
    protected override StoreFixture NewFixture() => new PostgresRedisFixture();
}
