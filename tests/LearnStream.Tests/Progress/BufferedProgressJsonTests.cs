using System.Text;
using System.Text.Json;
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

    public static TheoryData<string, double?, bool> States => new()
    {
        { "plain", 600.25, true },
        { "é<\"\\/&'\u0001 ☃", null, false },
        { "", 1e-7, false },
    };

    [Theory]
    [MemberData(nameof(States))]
    public void A_state_is_written_byte_for_byte_as_the_serializer_writes_its_buffered_form(string sessionId, double? duration, bool completed)
    {
        var at = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(7);
        var state = new LessonProgress
        {
            UserId = Guid.NewGuid(),
            CourseId = "c<1>",
            LessonId = "l\u00e91",
            Watched = WatchedIntervals.From([new Interval(0, 10), new Interval(20.4, 1e9)]),
            Sessions = [new SessionMark(sessionId, at.AddSeconds(5), long.MaxValue, 0.1 + 0.2), new SessionMark("a", at, 0, 1e-300)],
            Duration = duration,
            CompletedAt = completed ? at.AddMinutes(3) : null,
            FirstWatchedAt = at,
            LastWatchedAt = at.AddMinutes(3),
        };
        // The form older nodes write and every node reads: the records, through the generated serializer.
        var expected = JsonSerializer.SerializeToUtf8Bytes(new BufferedState(
            state.UserId, state.CourseId, state.LessonId, state.Watched.ToFlat(),
            [.. state.Sessions.Select(s => new BufferedSession(s.Id, s.StartedAt.UtcTicks, s.Sequence, s.Position))],
            state.Duration, state.CompletedAt?.UtcTicks, state.FirstWatchedAt.UtcTicks, state.LastWatchedAt.UtcTicks),
            BufferedProgressJsonContext.Default.BufferedState);

        var written = BufferedProgressJson.Serialize(state);

        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(written));
        Assert.Equal(expected, written);
        // And again on the same thread, whose writer is reused.
        Assert.Equal(expected, BufferedProgressJson.Serialize(state));
    }
}
