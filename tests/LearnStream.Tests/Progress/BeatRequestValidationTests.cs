using LearnStream.Api.Features.Progress;

namespace LearnStream.Tests.Progress;

public sealed class BeatRequestValidationTests
{
    private static BeatRequest Valid() => new() { SessionId = "session-1", Sequence = 3, Position = 12.5, Watched = [[0, 10], [20, 25.5]], Event = "heartbeat" };

    [Fact]
    public void A_valid_request_becomes_the_beat_it_describes()
    {
        var (beat, errors) = ProgressRequests.Validate(Valid() with { Event = "ENDED" });

        Assert.Null(errors);
        Assert.NotNull(beat);
        Assert.Equal(("session-1", 3L, 12.5, BeatEvent.Ended), (beat.SessionId, beat.Sequence, beat.Position, beat.Event));
        Assert.Equal([new Interval(0, 10), new Interval(20, 25.5)], beat.Watched);
    }

    [Fact]
    public void An_empty_list_of_intervals_is_valid()
    {
        var (beat, errors) = ProgressRequests.Validate(Valid() with { Watched = [] });

        Assert.Null(errors);
        Assert.Empty(beat!.Watched);
    }

    public static TheoryData<string, BeatRequest> Invalid => new()
    {
        { "sessionId", Valid() with { SessionId = null } },
        { "sessionId", Valid() with { SessionId = " " } },
        { "sessionId", Valid() with { SessionId = new string('s', 65) } },
        { "sequence", Valid() with { Sequence = null } },
        { "sequence", Valid() with { Sequence = -1 } },
        { "position", Valid() with { Position = null } },
        { "position", Valid() with { Position = -0.5 } },
        { "position", Valid() with { Position = double.NaN } },
        { "position", Valid() with { Position = double.PositiveInfinity } },
        { "watched", Valid() with { Watched = null } },
        { "watched", Valid() with { Watched = [[5, 4]] } },
        { "watched", Valid() with { Watched = [[-1, 4]] } },
        { "watched", Valid() with { Watched = [[1, 2, 3]] } },
        { "watched", Valid() with { Watched = [[1]] } },
        { "watched", Valid() with { Watched = [null] } },
        { "watched", Valid() with { Watched = [[0, double.NaN]] } },
        { "watched", Valid() with { Watched = [.. Enumerable.Range(0, 65).Select(i => new double[] { i * 2, i * 2 + 1 })] } },
        { "event", Valid() with { Event = null } },
        { "event", Valid() with { Event = "rewind" } },
        { "event", Valid() with { Event = "1" } },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void A_wrong_field_is_named_in_the_errors_and_gives_no_beat(string field, BeatRequest request)
    {
        var (beat, errors) = ProgressRequests.Validate(request);

        Assert.Null(beat);
        Assert.NotNull(errors);
        Assert.Equal([field], errors.Keys);
    }

    [Fact]
    public void Every_wrong_field_is_reported_at_once()
    {
        var (_, errors) = ProgressRequests.Validate(new BeatRequest { Sequence = -1, Position = -1, Event = "x" });

        Assert.Equal(["event", "position", "sequence", "sessionId", "watched"], errors!.Keys.Order());
    }

    [Fact]
    public void Sixty_four_intervals_are_accepted()
    {
        var (_, errors) = ProgressRequests.Validate(Valid() with { Watched = [.. Enumerable.Range(0, 64).Select(i => new double[] { i * 2, i * 2 + 1 })] });

        Assert.Null(errors);
    }
}
