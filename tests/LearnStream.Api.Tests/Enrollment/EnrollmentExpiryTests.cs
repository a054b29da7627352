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

    [Fact]
    public async Task A_course_with_an_access_duration_gives_enrollments_that_end_after_it()
    {
        var (fixture, clock, client) = await StartAsync();
        await using var _ = fixture;
        var course = await client.PublishedCourseAsync();
        await SetAccessDaysAsync(client, course, 30);
        var learner = await client.NewUserAsync();
        var token = learner.Tokens.AccessToken;

        var enrolled = await client.EnrollOkAsync(token, course.Id);
        var expected = clock.GetUtcNow().AddDays(30);
        Assert.InRange(enrolled.UtcTime("expiresAt"), expected.AddSeconds(-1), expected.AddSeconds(1));

        clock.Advance(TimeSpan.FromDays(29));
        Assert.Equal("Lesson body text", await client.LessonBodyAsync(token, course.LessonId));
        clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal("expired", (await client.MyEnrollmentAsync(token, course.Id))?.Str("status"));
        Assert.Null(await client.LessonBodyAsync(token, course.LessonId));
    }

    [Fact]
    public async Task A_paid_course_with_an_access_duration_gives_access_for_that_long_from_payment()
    {
        var (fixture, clock, client) = await StartAsync();
        await using var _ = fixture;
        var course = await client.PaidCourseAsync();
        await SetAccessDaysAsync(client, course, 7);
        var learner = await client.NewUserAsync();
        var token = learner.Tokens.AccessToken;

        using var checkout = await client.SendAsync(HttpMethod.Post, $"{Courses}/{course.Id}/checkout", token);
        var order = await checkout.JsonAsync(HttpStatusCode.Created);
        clock.Advance(TimeSpan.FromDays(1));
        using (var complete = await client.SendAsync(HttpMethod.Post, $"/api/v1/payments/manual/{order.Str("orderId")}/complete", token))
        {
            await complete.JsonAsync(HttpStatusCode.OK);
        }

        var enrollment = await client.MyEnrollmentAsync(token, course.Id);
        var expected = clock.GetUtcNow().AddDays(7);
        Assert.InRange(enrollment!.Value.UtcTime("expiresAt"), expected.AddSeconds(-1), expected.AddSeconds(1));
        clock.Advance(TimeSpan.FromDays(8));
        Assert.Null(await client.LessonBodyAsync(token, course.LessonId));
    }

    [Fact]
    public async Task Access_days_out_of_range_are_refused_and_zero_means_lifetime_access()
    {
        var (fixture, _, client) = await StartAsync();
        await using var __ = fixture;
        var course = await client.PublishedCourseAsync();
        var token = course.Owner.Tokens.AccessToken;

        foreach (var days in new[] { -1, 3651 })
        {
            using var refused = await client.SendAsync(HttpMethod.Patch, $"{Courses}/{course.Id}", token, new { accessDays = days });
            Assert.Contains("accessDays", (await refused.ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").GetRawText(), StringComparison.Ordinal);
        }
        Assert.Equal(90, (await SetAccessDaysAsync(client, course, 90)).GetProperty("accessDays").GetInt32());
        var cleared = await SetAccessDaysAsync(client, course, 0);
        Assert.True(cleared.IsNull("accessDays"), cleared.GetRawText());

        var learner = await client.NewUserAsync();
        var enrolled = await client.EnrollOkAsync(learner.Tokens.AccessToken, course.Id);
        Assert.True(enrolled.IsNull("expiresAt"), enrolled.GetRawText());
    }

    private static async Task<System.Text.Json.JsonElement> SetAccessDaysAsync(HttpClient client, LearnStream.Api.Tests.Catalog.PublishedCourse course, int days)
    {
        using var response = await client.SendAsync(HttpMethod.Patch, $"{Courses}/{course.Id}", course.Owner.Tokens.AccessToken, new { accessDays = days });
        return await response.JsonAsync(HttpStatusCode.OK);
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
