using System.Text;
using LearnStream.Api.Features.Progress;

namespace LearnStream.Tests.Progress;

public class BufferedProgressJsonTests
{
    [Fact]
    public void A_state_read_back_is_the_same_state_to_the_tick()
    {
        var at = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(1_234_567);
        var state = new LessonProgress
        {
            UserId = Guid.NewGuid(),
            CourseId = "c1",
            LessonId = "l1",
            Watched = WatchedIntervals.From([new Interval(0, 10), new Interval(20.4, 31.6)]),
            Sessions = [new SessionMark("b", at.AddSeconds(5), 7, 123.456789), new SessionMark("a", at, 3, 0.1 + 0.2)],
            Duration = 600.25,
            CompletedAt = at.AddMinutes(3),
            FirstWatchedAt = at,
            LastWatchedAt = at.AddMinutes(3),
        };

        var back = BufferedProgressJson.Deserialize(BufferedProgressJson.Serialize(state));

        Assert.True(back.SameProgressAs(state));
        Assert.Equal(state.CompletedAt, back.CompletedAt);
        Assert.Equal(state.Sessions, back.Sessions);
    }

    [Fact]
    public void A_text_lesson_without_duration_or_completion_round_trips()
    {
        var at = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.FromHours(2));
        var state = new LessonProgress { UserId = Guid.NewGuid(), CourseId = "c1", LessonId = "l1", FirstWatchedAt = at, LastWatchedAt = at };

        var json = BufferedProgressJson.Serialize(state);
        var back = BufferedProgressJson.Deserialize(json);

        Assert.True(back.SameProgressAs(state));
        Assert.Null(back.Duration);
        Assert.Null(back.CompletedAt);
        Assert.DoesNotContain("\"d\"", Encoding.UTF8.GetString(json), StringComparison.Ordinal);
    }
}
