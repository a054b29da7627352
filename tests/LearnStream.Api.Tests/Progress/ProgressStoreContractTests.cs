using LearnStream.Api.Features.Progress;

namespace LearnStream.Api.Tests.Progress;

/// <summary>
/// What every <see cref="IProgressStore"/> promises, run once per store. Tests of one class share a
/// database, so each test makes its own learner and course ids.
/// </summary>
public abstract partial class ProgressStoreContractTests
{
    protected const double Threshold = 0.9;

    /// <summary>Times with whole milliseconds: the precision callers give and every store keeps.</summary>
    protected static readonly DateTimeOffset At = new(2026, 3, 1, 9, 15, 30, 123, TimeSpan.Zero);

    protected Guid User { get; } = Guid.NewGuid();

    protected string Course { get; } = "c-" + Unique();

    /// <summary>The store under test.</summary>
    protected abstract IProgressStore Store { get; }

    /// <summary>Another store on the same data with its own connection, as a second node would have.</summary>
    protected abstract IProgressStore NewStore();

    /// <summary>The stored version of a row, to see whether a merge wrote; null when there is no row.</summary>
    protected abstract Task<long?> VersionOfAsync(Guid userId, string lessonId);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected static string Unique() => Guid.NewGuid().ToString("N");

    /// <summary>The state one heartbeat stands for: the learner watched [from, to) of a video.</summary>
    protected LessonProgress Watch(
        string lessonId, DateTimeOffset at, double from, double to, string session = "s1", long sequence = 1,
        double? position = null, double duration = 600, Guid? user = null, string? course = null) =>
        LessonProgress.FromBeat(
            user ?? User, course ?? Course, lessonId,
            new ProgressBeat(session, sequence, position ?? to, [new Interval(from, to)], BeatEvent.Heartbeat),
            duration, at);

    protected Task MergeAsync(params LessonProgress[] states) => Store.MergeAsync(states, Threshold, Ct);

    /// <summary>What a store must hold after merging these states, computed without a store.</summary>
    protected static LessonProgress Expected(params LessonProgress[] states) =>
        states.Skip(1).Aggregate(states[0].Merge(states[0], Threshold), (acc, s) => acc.Merge(s, Threshold));

    protected static void AssertSameProgress(LessonProgress expected, LessonProgress? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal((expected.UserId, expected.CourseId, expected.LessonId), (actual.UserId, actual.CourseId, actual.LessonId));
        Assert.Equal(expected.Watched.ToFlat(), actual.Watched.ToFlat());
        Assert.Equal(expected.Sessions, actual.Sessions);
        Assert.Equal(expected.Duration, actual.Duration);
        Assert.Equal(expected.CompletedAt, actual.CompletedAt);
        Assert.Equal(expected.FirstWatchedAt, actual.FirstWatchedAt);
        Assert.Equal(expected.LastWatchedAt, actual.LastWatchedAt);
        Assert.Equal(expected.Position, actual.Position);
    }

    [Fact]
    public async Task Find_of_a_lesson_never_watched_is_null()
    {
        Assert.Null(await Store.FindAsync(User, "l-" + Unique(), Ct));
    }

    [Fact]
    public async Task Merge_creates_the_state_and_every_field_round_trips_exactly()
    {
        var lesson = "l-" + Unique();
        // Fractions that only survive a lossless store: 0.1 + 0.2 is not 0.3 in binary.
        var first = Watch(lesson, At, 0, 120, session: "s1", sequence: 7, position: 0.1 + 0.2, duration: 612.3456789012345);
        var second = Watch(lesson, At.AddHours(26).AddMilliseconds(7), 300, 590, session: "s2", sequence: 3, position: 589.999, duration: 612.3456789012345);
        var video = Expected(first, second);
        var text = LessonProgress.CompletedText(User, Course, "l-" + Unique(), At.AddMinutes(1).AddMilliseconds(999));

        await MergeAsync(video, text);

        var storedVideo = await Store.FindAsync(User, lesson, Ct);
        var storedText = await Store.FindAsync(User, text.LessonId, Ct);
        AssertSameProgress(video, storedVideo);
        AssertSameProgress(text, storedText);
        Assert.Equal([0.0, 120, 300, 590], storedVideo!.Watched.ToFlat());
        Assert.Equal(0.1 + 0.2, storedVideo.Sessions.Single(s => s.Id == "s1").Position);
        Assert.Null(storedVideo.CompletedAt);
        Assert.Null(storedText!.Duration);
    }

    [Fact]
    public async Task A_state_that_covers_the_threshold_is_stored_complete()
    {
        var lesson = "l-" + Unique();

        await MergeAsync(Watch(lesson, At, 0, 541, duration: 600));

        Assert.Equal(At, (await Store.FindAsync(User, lesson, Ct))!.CompletedAt);
    }

    [Fact]
    public async Task Merging_the_same_batch_twice_changes_nothing_and_writes_nothing()
    {
        var lesson = "l-" + Unique();
        var batch = new[] { Watch(lesson, At, 0, 50), Watch("l-" + Unique(), At, 10, 20) };
        await MergeAsync(batch);
        var version = await VersionOfAsync(User, lesson);

        await MergeAsync(batch);

        AssertSameProgress(Expected(batch[0]), await Store.FindAsync(User, lesson, Ct));
        Assert.NotNull(version);
        Assert.Equal(version, await VersionOfAsync(User, lesson));
    }

    [Fact]
    public async Task Two_different_states_unite()
    {
        var lesson = "l-" + Unique();
        var morning = Watch(lesson, At, 0, 100, session: "s1", sequence: 3);
        var evening = Watch(lesson, At.AddHours(8), 200, 300, session: "s2", sequence: 1);

        await MergeAsync(morning);
        var version = await VersionOfAsync(User, lesson);
        await MergeAsync(evening);

        var stored = await Store.FindAsync(User, lesson, Ct);
        AssertSameProgress(Expected(morning, evening), stored);
        Assert.Equal([0.0, 100, 200, 300], stored!.Watched.ToFlat());
        Assert.Equal(300, stored.Position);
        Assert.Equal((At, At.AddHours(8)), (stored.FirstWatchedAt, stored.LastWatchedAt));
        Assert.True(await VersionOfAsync(User, lesson) > version);
    }

    [Fact]
    public async Task A_batch_naming_one_lesson_twice_stores_the_merge_of_both()
    {
        var lesson = "l-" + Unique();
        var morning = Watch(lesson, At, 0, 100, session: "s1");
        var evening = Watch(lesson, At.AddHours(8), 200, 300, session: "s2");

        await MergeAsync(morning, evening);

        var stored = await Store.FindAsync(User, lesson, Ct);
        AssertSameProgress(Expected(morning, evening), stored);
        Assert.Equal(200, stored!.WatchedSeconds);
    }

    [Fact]
    public async Task Completion_never_regresses_when_an_older_incomplete_state_arrives()
    {
        var lesson = "l-" + Unique();
        var late = Watch(lesson, At.AddHours(1), 0, 580, session: "s2");
        var early = Watch(lesson, At, 0, 10, session: "s1");

        await MergeAsync(late);
        await MergeAsync(early);

        var stored = await Store.FindAsync(User, lesson, Ct);
        Assert.Equal(At.AddHours(1), stored!.CompletedAt);
        Assert.Equal(At, stored.FirstWatchedAt);
        AssertSameProgress(Expected(late, early), stored);
    }

    [Fact]
    public async Task A_completed_text_lesson_stays_complete()
    {
        var done = LessonProgress.CompletedText(User, Course, "l-" + Unique(), At);
        var later = done with { CompletedAt = null, LastWatchedAt = At.AddDays(1) };

        await MergeAsync(done);
        await MergeAsync(later);

        var stored = await Store.FindAsync(User, done.LessonId, Ct);
        Assert.Equal(At, stored!.CompletedAt);
        Assert.Equal(At.AddDays(1), stored.LastWatchedAt);
    }

    [Fact]
    public async Task Concurrent_merges_of_one_lesson_from_separate_stores_keep_every_interval()
    {
        var lesson = "l-" + Unique();
        var states = Enumerable.Range(0, 20)
            .Select(i => Watch(lesson, At.AddSeconds(i), i * 20, i * 20 + 10, session: "s" + i, duration: 1000))
            .ToArray();
        var stores = states.Select(_ => NewStore()).ToArray();

        await Task.WhenAll(states.Select((s, i) => Task.Run(() => stores[i].MergeAsync([s], Threshold, Ct), Ct)));

        var stored = await Store.FindAsync(User, lesson, Ct);
        Assert.Equal(20, stored!.Watched.Count);
        Assert.Equal(200, stored.WatchedSeconds);
        AssertSameProgress(Expected(states), stored);
    }
}
