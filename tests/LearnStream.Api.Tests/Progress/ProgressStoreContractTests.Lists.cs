using LearnStream.Api.Features.Progress;

namespace LearnStream.Api.Tests.Progress;

public abstract partial class ProgressStoreContractTests
{
    [Fact]
    public async Task A_batch_larger_than_one_chunk_lands_whole_and_updates_whole()
    {
        var lessons = Enumerable.Range(0, 1200).Select(i => $"l{i:D4}-{Unique()[..8]}").ToArray();
        var created = lessons.Select(l => Watch(l, At, 0, 30)).ToArray();
        var extended = lessons.Select(l => Watch(l, At.AddMinutes(1), 60, 90)).ToArray();

        await MergeAsync(created);
        await MergeAsync(extended);

        var stored = await Store.ListByCourseAsync(Course, Ct);
        Assert.Equal(lessons.Order(StringComparer.Ordinal), stored.Select(p => p.LessonId).Order(StringComparer.Ordinal));
        Assert.All(stored, p => Assert.Equal([0.0, 30, 60, 90], p.Watched.ToFlat()));
    }

    [Fact]
    public async Task History_is_newest_first_then_by_lesson_id_paged_with_the_total()
    {
        await MergeAsync(
            Watch("l-e", At, 0, 10),
            Watch("l-d", At.AddMinutes(1), 0, 10),
            Watch("l-b", At.AddMinutes(2), 0, 10),
            Watch("l-a", At.AddMinutes(2), 0, 10),
            Watch("l-c", At.AddMinutes(3), 0, 10),
            Watch("l-x", At.AddMinutes(9), 0, 10, user: Guid.NewGuid()));

        var pages = new List<string>();
        for (var skip = 0; skip < 6; skip += 2)
        {
            var (items, total) = await Store.HistoryAsync(User, skip, 2, Ct);
            Assert.Equal(5, total);
            pages.Add(string.Join(",", items.Select(p => p.LessonId)));
        }

        Assert.Equal(["l-c,l-a", "l-b,l-d", "l-e"], pages);
    }

    [Fact]
    public async Task History_past_the_end_or_of_an_empty_page_has_no_items_but_the_total()
    {
        await MergeAsync(Watch("l-1", At, 0, 10), Watch("l-2", At, 0, 10));

        var (past, pastTotal) = await Store.HistoryAsync(User, 2, 10, Ct);
        var (none, noneTotal) = await Store.HistoryAsync(User, 0, 0, Ct);

        Assert.Empty(past);
        Assert.Empty(none);
        Assert.Equal((2, 2), (pastTotal, noneTotal));
    }

    [Fact]
    public async Task History_of_a_learner_who_watched_nothing_is_empty()
    {
        var (items, total) = await Store.HistoryAsync(Guid.NewGuid(), 0, 20, Ct);

        Assert.Empty(items);
        Assert.Equal(0, total);
    }

    [Fact]
    public async Task List_by_user_returns_their_lessons_in_all_or_the_given_courses_only()
    {
        var other = "c-" + Unique();
        var a = Watch("l-" + Unique(), At, 0, 10);
        var b = Watch("l-" + Unique(), At, 0, 20);
        var c = Watch("l-" + Unique(), At, 0, 30, course: other);
        var someoneElse = Watch(a.LessonId, At, 0, 40, user: Guid.NewGuid());
        await MergeAsync(a, b, c, someoneElse);

        var all = await Store.ListByUserAsync(User, null, Ct);
        var inCourse = await Store.ListByUserAsync(User, [Course, "c-none"], Ct);
        var inNone = await Store.ListByUserAsync(User, [], Ct);

        Assert.Equal(new[] { a.LessonId, b.LessonId, c.LessonId }.Order(), all.Select(p => p.LessonId).Order());
        Assert.All(all, p => Assert.Equal(User, p.UserId));
        Assert.Equal(new[] { a.LessonId, b.LessonId }.Order(), inCourse.Select(p => p.LessonId).Order());
        AssertSameProgress(Expected(c), all.Single(p => p.LessonId == c.LessonId));
        Assert.Empty(inNone);
    }

    [Fact]
    public async Task List_by_course_returns_every_learner_of_that_course_only()
    {
        var second = Guid.NewGuid();
        var lesson = "l-" + Unique();
        await MergeAsync(
            Watch(lesson, At, 0, 10),
            Watch("l-" + Unique(), At, 0, 10),
            Watch(lesson, At, 0, 20, user: second),
            Watch("l-" + Unique(), At, 0, 10, course: "c-" + Unique()));

        var rows = await Store.ListByCourseAsync(Course, Ct);

        Assert.Equal(3, rows.Count);
        Assert.All(rows, p => Assert.Equal(Course, p.CourseId));
        Assert.Equal(20, rows.Single(p => p.UserId == second).WatchedSeconds);
    }

    [Fact]
    public async Task Activity_is_recorded_once_per_course_learner_and_day_and_read_from_a_day_on()
    {
        var second = Guid.NewGuid();
        var lastMinute = new DateTimeOffset(2026, 3, 1, 23, 59, 0, 500, TimeSpan.Zero);
        // One flushed state that spans midnight counts on both days.
        var acrossMidnight = Watch("l-" + Unique(), lastMinute, 0, 10) with { LastWatchedAt = lastMinute.AddMinutes(2) };
        var sameDay = Watch("l-" + Unique(), lastMinute.AddHours(-3), 0, 10);
        var secondLearner = Watch("l-" + Unique(), lastMinute.AddHours(5), 0, 10, user: second);
        var otherCourse = Watch("l-" + Unique(), lastMinute, 0, 10, course: "c-" + Unique());

        await MergeAsync(acrossMidnight, sameDay, secondLearner, otherCourse);
        await MergeAsync(acrossMidnight);
        await NewStore().MergeAsync([sameDay], Threshold, Ct);

        var march1 = new DateOnly(2026, 3, 1);
        var march2 = new DateOnly(2026, 3, 2);
        Assert.Equal(Sorted([(march1, User), (march2, User), (march2, second)]), Days(await Store.ActivityAsync(Course, march1, Ct)));
        Assert.Equal(Sorted([(march2, User), (march2, second)]), Days(await Store.ActivityAsync(Course, march2, Ct)));
        Assert.Empty(await Store.ActivityAsync(Course, march2.AddDays(1), Ct));
        Assert.All(await Store.ActivityAsync(Course, march1, Ct), a => Assert.Equal(Course, a.CourseId));
    }

    // The contract leaves the order of activity days open.
    private static List<(DateOnly, Guid)> Days(IReadOnlyList<ActivityDay> days) => Sorted(days.Select(d => (d.Day, d.UserId)));

    private static List<(DateOnly, Guid)> Sorted(IEnumerable<(DateOnly Day, Guid UserId)> days) =>
        [.. days.OrderBy(d => d.Day).ThenBy(d => d.UserId)];
}
