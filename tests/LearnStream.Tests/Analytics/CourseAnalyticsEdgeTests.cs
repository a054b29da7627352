using LearnStream.Api.Features.Analytics;
using LearnStream.Api.Features.Catalog;
using LearnStream.Api.Features.Progress;

namespace LearnStream.Tests.Analytics;

/// <summary>The calculator where counts are empty, lessons have no video, videos change length, and days sit at the window's edges.</summary>
public class CourseAnalyticsEdgeTests
{
    private static readonly DateTimeOffset Now = AnalyticsDataset.Now;
    private static readonly DateOnly Today = AnalyticsDataset.Today;
    private static readonly Guid Ann = new("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid Bob = new("00000000-0000-0000-0000-00000000000b");
    private static readonly Guid Cid = new("00000000-0000-0000-0000-00000000000c");

    private static readonly Course TwoLessons = AnalyticsDataset.MakeCourse("c1", ("v1", LessonKind.Video), ("t1", LessonKind.Text));

    private static CourseAnalyticsReport Compute(Course course, IReadOnlyList<LessonProgress> rows, IReadOnlyList<ActivityDay>? activity = null,
        Dictionary<string, double>? durations = null, DateTimeOffset? now = null) =>
        CourseAnalyticsCalculator.Compute(new AnalyticsInput(course, rows, activity ?? [], durations ?? new() { ["v1"] = 100 }, 0, now ?? Now));

    private static LessonProgress Video(Guid user, double? duration, params (double Start, double End)[] watched) => new()
    {
        UserId = user,
        CourseId = "c1",
        LessonId = "v1",
        Watched = WatchedIntervals.From(watched.Select(w => new Interval(w.Start, w.End))),
        Duration = duration,
        FirstWatchedAt = Now,
        LastWatchedAt = Now,
    };

    [Fact]
    public void Without_viewers_every_share_and_average_is_zero()
    {
        var report = Compute(TwoLessons, []);

        var video = report.Lessons[0];
        Assert.Equal((0, 0, 0.0, 0.0, 0.0), (video.Viewers, video.Completions, video.CompletionRate, video.TotalWatchSeconds, video.AverageWatchSeconds));
        Assert.Equal(Enumerable.Repeat(0.0, 10), video.DropOff);
        var course = report.Course;
        Assert.Equal((0, 0, 0.0, 0.0, 0, 0), (course.Viewers, course.CompletedLearners, course.CompletionRate, course.AverageCompletionPercent, course.ActiveLearners7d, course.ActiveLearners30d));
        Assert.Equal(30, course.Daily.Count);
        Assert.All(course.Daily, d => Assert.Equal((0, 0, 0), (d.ActiveLearners, d.NewViewers, d.Completions)));
    }

    [Fact]
    public void A_course_without_lessons_has_no_completed_learners()
    {
        var empty = AnalyticsDataset.MakeCourse("c1");

        var course = Compute(empty, [Video(Ann, 100, (0, 100))]).Course;

        Assert.Empty(course.Funnel);
        Assert.Equal((0, 0, 0.0, 0.0), (course.Viewers, course.CompletedLearners, course.CompletionRate, course.AverageCompletionPercent));
    }

    [Fact]
    public void A_text_lesson_has_viewers_and_completions_but_no_duration_or_drop_off()
    {
        var rows = new[] { LessonProgress.CompletedText(Ann, "c1", "t1", Now), LessonProgress.CompletedText(Bob, "c1", "t1", Now) };

        var text = Compute(TwoLessons, rows, durations: new() { ["t1"] = 300 }).Lessons[1];

        Assert.Equal(("t1", LessonKind.Text, 2, 2, 100.0), (text.LessonId, text.Kind, text.Viewers, text.Completions, text.CompletionRate));
        Assert.Null(text.Duration);
        Assert.Empty(text.DropOff);
        Assert.Equal(0, text.TotalWatchSeconds);
    }

    [Fact]
    public void Drop_off_measures_each_viewer_against_the_length_they_watched()
    {
        // The video was 100 s when Ann watched half of it, and is 200 s now; Bob watched 50 s of the new one;
        // Cid's row has no length recorded and is measured against the current one.
        var rows = new[] { Video(Ann, 100, (0, 50)), Video(Bob, 200, (0, 50)), Video(Cid, null, (150, 200)) };

        var video = Compute(TwoLessons, rows, durations: new() { ["v1"] = 200 }).Lessons[0];

        Assert.Equal(200, video.Duration);
        Assert.Equal([66.7, 66.7, 66.7, 33.3, 33.3, 0, 0, 33.3, 33.3, 33.3], video.DropOff);
        Assert.Equal(150, video.TotalWatchSeconds);
        Assert.Equal(50, video.AverageWatchSeconds);
    }

    [Fact]
    public void A_video_watched_only_at_a_tenths_edge_reaches_just_the_tenth_after_it()
    {
        // [10, 20) of a 100 s video touches 10 and 20 but covers only the second tenth.
        var video = Compute(TwoLessons, [Video(Ann, 100, (10, 20))]).Lessons[0];

        Assert.Equal([0, 100, 0, 0, 0, 0, 0, 0, 0, 0], video.DropOff);
    }

    [Fact]
    public void A_video_lesson_without_a_ready_video_reports_no_duration_yet_still_bins_by_the_recorded_length()
    {
        var video = Compute(TwoLessons, [Video(Ann, 100, (95, 100))], durations: []).Lessons[0];

        Assert.Null(video.Duration);
        Assert.Equal(100, video.DropOff[9]);
    }

    [Fact]
    public void The_thirty_day_window_includes_day_29_and_excludes_day_30_and_the_week_includes_day_6_only()
    {
        var activity = new[]
        {
            new ActivityDay("c1", Ann, Today.AddDays(-29)),
            new ActivityDay("c1", Bob, Today.AddDays(-30)),
            new ActivityDay("c1", Cid, Today.AddDays(-6)),
            new ActivityDay("c1", Bob, Today.AddDays(-7)),
            new ActivityDay("c1", Ann, Today.AddDays(1)),
            new ActivityDay("other", Guid.NewGuid(), Today),
        };

        var course = Compute(TwoLessons, [], activity).Course;

        Assert.Equal(1, course.ActiveLearners7d);
        Assert.Equal(3, course.ActiveLearners30d);
        Assert.Equal(Today.AddDays(-29), course.Daily[0].Date);
        Assert.Equal(Today, course.Daily[^1].Date);
        Assert.Equal(1, course.Daily[0].ActiveLearners);
        Assert.Equal(1, course.Daily[22].ActiveLearners);
        Assert.Equal(1, course.Daily[23].ActiveLearners);
        Assert.Equal(0, course.Daily[^1].ActiveLearners);
    }

    [Fact]
    public void New_viewers_and_completions_are_dated_by_the_utc_day_and_older_ones_leave_the_series()
    {
        var edge = new DateTimeOffset(Today.AddDays(-29), TimeOnly.MinValue, TimeSpan.Zero);
        var rows = new[]
        {
            // 00:30 on the window's first day in UTC, though the previous evening in New York.
            Video(Ann, 100, (0, 100)) with { FirstWatchedAt = edge.AddMinutes(30).ToOffset(TimeSpan.FromHours(-5)), CompletedAt = edge.AddMinutes(30) },
            Video(Bob, 100, (0, 100)) with { FirstWatchedAt = edge.AddMinutes(-1), CompletedAt = edge.AddMinutes(-1) },
        };

        var course = Compute(TwoLessons, rows).Course;

        Assert.Equal((1, 1), (course.Daily[0].NewViewers, course.Daily[0].Completions));
        Assert.Equal(1, course.Daily.Sum(d => d.NewViewers));
        Assert.Equal(2, course.Viewers);
    }

    [Fact]
    public void Today_is_the_utc_date_of_now_whatever_its_offset()
    {
        // 01:00 at +02:00 is 23:00 UTC the day before.
        var now = new DateTimeOffset(2026, 5, 21, 1, 0, 0, TimeSpan.FromHours(2));

        var course = Compute(TwoLessons, [], [new ActivityDay("c1", Ann, Today)], now: now).Course;

        Assert.Equal(Today, course.Daily[^1].Date);
        Assert.Equal(1, course.Daily[^1].ActiveLearners);
    }

    [Fact]
    public void Progress_in_lessons_no_longer_in_the_outline_counts_nowhere()
    {
        var rows = new[] { Video(Ann, 100, (0, 100)) with { LessonId = "deleted", CompletedAt = Now } };

        var report = Compute(TwoLessons, rows);

        Assert.Equal((0, 0.0), (report.Course.Viewers, report.Course.TotalWatchSeconds));
        Assert.Equal(0, report.Course.Daily.Sum(d => d.Completions + d.NewViewers));
        Assert.All(report.Lessons, l => Assert.Equal(0, l.Viewers));
    }

    [Fact]
    public void A_learner_who_completed_every_lesson_counts_once_toward_the_course_rate()
    {
        var rows = new[]
        {
            Video(Ann, 100, (0, 100)) with { CompletedAt = Now }, LessonProgress.CompletedText(Ann, "c1", "t1", Now),
            Video(Bob, 100, (0, 100)) with { CompletedAt = Now },
            Video(Cid, 100, (0, 10)),
        };

        var course = Compute(TwoLessons, rows).Course;

        Assert.Equal((3, 1, 33.3, 50.0), (course.Viewers, course.CompletedLearners, course.CompletionRate, course.AverageCompletionPercent));
        Assert.Equal([(3, 2, 66.7), (1, 1, 100.0)], course.Funnel.Select(f => (f.Viewers, f.Completions, f.CompletionRate)));
    }
}
