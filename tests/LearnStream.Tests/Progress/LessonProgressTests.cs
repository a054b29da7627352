using LearnStream.Api.Features.Progress;

namespace LearnStream.Tests.Progress;

public sealed class LessonProgressTests
{
    private static readonly Guid Learner = Guid.Parse("0195a2c4-0000-7000-8000-000000000002");
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    private static LessonProgress Beat(string session, long sequence, double position, double start, double end, int second = 0,
        BeatEvent kind = BeatEvent.Heartbeat, double duration = 100) =>
        LessonProgress.FromBeat(Learner, "c", "l", new ProgressBeat(session, sequence, position, [new Interval(start, end)], kind), duration, T0.AddSeconds(second));

    [Fact]
    public void Jumping_to_the_end_completes_nothing()
    {
        var state = Beat("s", 1, 0, 0, 10).Merge(Beat("s", 2, 99, 99, 100, 1, BeatEvent.Ended), 0.9);

        Assert.False(state.Completed);
        Assert.Equal(11, state.WatchedSeconds);
        Assert.Equal(11, state.Percent);
    }

    [Theory]
    [InlineData(0.9, 89, false)]
    [InlineData(0.9, 90, true)]
    [InlineData(0.5, 50, true)]
    [InlineData(0.5, 49, false)]
    public void Completion_takes_the_configured_share_of_the_duration(double threshold, double watched, bool completed)
    {
        var state = Beat("s", 1, 0, 0, 1).Merge(Beat("s", 2, watched, 0, watched, 5), threshold);

        Assert.Equal(completed, state.Completed);
        Assert.Equal(completed ? T0.AddSeconds(5) : null, state.CompletedAt);
    }

    [Fact]
    public void Completion_survives_a_merge_with_older_progress_and_a_shorter_later_coverage()
    {
        var completed = Beat("s", 1, 95, 0, 95).Merge(Beat("s", 2, 96, 0, 1), 0.9);
        var older = Beat("old", 1, 3, 0, 3, -60);

        var merged = older.Merge(completed, 0.9);

        Assert.True(merged.Completed);
        Assert.Equal(completed.CompletedAt, merged.CompletedAt);
    }

    [Fact]
    public void A_single_beat_covering_the_threshold_is_complete_when_given_the_threshold()
    {
        var beat = new ProgressBeat("s", 1, 95, [new Interval(0, 95)], BeatEvent.Heartbeat);

        var judged = LessonProgress.FromBeat(Learner, "c", "l", beat, 100, T0, completionThreshold: 0.9);
        var short_ = LessonProgress.FromBeat(Learner, "c", "l", beat with { Watched = [new Interval(0, 89)] }, 100, T0, completionThreshold: 0.9);

        Assert.Equal(T0, judged.CompletedAt);
        Assert.False(short_.Completed);
        Assert.True(judged.SameProgressAs(judged.Merge(judged, 0.9)));
    }

    [Fact]
    public void Overlapping_and_repeated_intervals_count_once()
    {
        var state = Beat("s", 1, 10, 0, 10)
            .Merge(Beat("s", 2, 20, 5, 20, 10), 0.9)
            .Merge(Beat("s", 3, 20, 0, 20, 20), 0.9);

        Assert.Equal(20, state.WatchedSeconds);
        Assert.Single(state.Watched.Items);
    }

    [Fact]
    public void Intervals_and_position_are_clamped_to_the_duration()
    {
        var state = Beat("s", 1, 500, 90, 400);

        Assert.Equal([new Interval(90, 100)], state.Watched.Items);
        Assert.Equal(100, state.Position);
    }

    [Fact]
    public void Within_a_session_the_highest_sequence_sets_the_position_whatever_arrives_last()
    {
        var state = Beat("s", 7, 70, 0, 1, 30).Merge(Beat("s", 3, 30, 0, 1, 40), 0.9);

        Assert.Equal(70, state.Position);
    }

    [Fact]
    public void A_newer_session_sets_the_position_even_at_a_lower_sequence()
    {
        var state = Beat("old", 40, 80, 0, 1, 0).Merge(Beat("new", 1, 12, 0, 1, 600), 0.9);

        Assert.Equal(12, state.Position);
        // A late beat of the old session does not take the position back.
        Assert.Equal(12, state.Merge(Beat("old", 41, 85, 0, 1, 700), 0.9).Position);
    }

    [Fact]
    public void An_ended_video_resumes_from_the_start()
    {
        var state = Beat("s", 1, 50, 0, 50).Merge(Beat("s", 2, 100, 50, 100, 50, BeatEvent.Ended), 0.9);

        Assert.Equal(0, state.Position);
        Assert.True(state.Completed);
    }

    [Fact]
    public void A_text_lesson_marked_complete_is_at_one_hundred_percent()
    {
        var state = LessonProgress.CompletedText(Learner, "c", "t", T0);

        Assert.True(state.Completed);
        Assert.Equal(100, state.Percent);
        Assert.True(state.Merge(LessonProgress.CompletedText(Learner, "c", "t", T0.AddDays(1)), 0.9).CompletedAt == T0);
    }

    [Fact]
    public void Only_the_sixteen_latest_sessions_are_kept()
    {
        var state = Enumerable.Range(0, 40).Select(i => Beat($"s{i:D2}", 1, i, 0, 1, i)).Aggregate((a, b) => a.Merge(b, 0.9));

        Assert.Equal(LessonProgress.MaxSessions, state.Sessions.Count);
        Assert.Equal("s39", state.Sessions[0].Id);
        Assert.Equal(39, state.Position);
    }

    [Fact]
    public void Progress_of_another_learner_or_lesson_does_not_merge()
    {
        var other = LessonProgress.CompletedText(Guid.NewGuid(), "c", "l", T0);

        Assert.Throws<ArgumentException>(() => Beat("s", 1, 0, 0, 1).Merge(other, 0.9));
    }
}
