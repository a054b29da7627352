using LearnStream.Api.Features.Analytics;
using LearnStream.Api.Features.Catalog;

namespace LearnStream.Tests.Analytics;

/// <summary>
/// The calculator on generated datasets, checked against figures computed here with plain loops over
/// the generated data: seconds are counted one by one, bins by overlap with the raw intervals.
/// </summary>
public class CourseAnalyticsCalculatorTests
{
    public static TheoryData<int> Seeds => [1, 7, 42, 2026];

    private static CourseAnalyticsReport Compute(AnalyticsDataset data, int enrollments = 55) =>
        CourseAnalyticsCalculator.Compute(new AnalyticsInput(data.Course, data.Rows, data.Activity, data.Durations, enrollments, AnalyticsDataset.Now));

    private static double ExpectedPercent(int part, int whole) => whole == 0 ? 0 : Math.Round(100.0 * part / whole, 1);

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Lesson_figures_match_counts_made_second_by_second(int seed)
    {
        var data = AnalyticsDataset.Generate(seed);
        var report = Compute(data);

        Assert.Equal(["v1", "v2", "t1", "v3", "v4", "v5"], report.Lessons.Select(l => l.LessonId));
        foreach (var lesson in report.Lessons)
        {
            int viewers = 0, completions = 0;
            long seconds = 0;
            var reached = new int[10];
            foreach (var row in data.Rows)
            {
                if (row.LessonId != lesson.LessonId)
                {
                    continue;
                }
                viewers++;
                if (row.CompletedAt is not null)
                {
                    completions++;
                }
                if (lesson.Kind == LessonKind.Text)
                {
                    continue;
                }
                var duration = (int)data.Durations[lesson.LessonId];
                var raw = data.RawIntervals[row.Key];
                var covered = new bool[duration];
                foreach (var (start, end) in raw)
                {
                    for (var s = Math.Max(0, start); s < Math.Min(duration, end); s++)
                    {
                        covered[s] = true;
                    }
                }
                seconds += covered.Count(c => c);
                for (var k = 0; k < 10; k++)
                {
                    double low = k * duration / 10.0, high = (k + 1) * duration / 10.0;
                    if (raw.Any(i => Math.Max(0, i.Start) < high && Math.Min(duration, i.End) > low))
                    {
                        reached[k]++;
                    }
                }
            }

            Assert.Equal("c1", lesson.CourseId);
            Assert.Equal(viewers, lesson.Viewers);
            Assert.Equal(completions, lesson.Completions);
            Assert.Equal(ExpectedPercent(completions, viewers), lesson.CompletionRate);
            Assert.Equal(seconds, lesson.TotalWatchSeconds);
            Assert.Equal(viewers == 0 ? 0 : Math.Round((double)seconds / viewers, 1), lesson.AverageWatchSeconds);
            if (lesson.Kind == LessonKind.Text)
            {
                Assert.Empty(lesson.DropOff);
                Assert.Null(lesson.Duration);
            }
            else
            {
                Assert.Equal(data.Durations[lesson.LessonId], lesson.Duration);
                Assert.Equal(reached.Select(r => ExpectedPercent(r, viewers)), lesson.DropOff);
            }
        }
        // The generated data must exercise what it checks.
        Assert.Contains(report.Lessons, l => l.Completions > 0 && l.Completions < l.Viewers);
        Assert.Contains(report.Lessons, l => l.DropOff.Count == 10 && l.DropOff.Distinct().Count() > 2);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Course_figures_match_counts_over_learners(int seed)
    {
        var data = AnalyticsDataset.Generate(seed);
        var course = Compute(data).Course;

        var outline = new[] { "v1", "v2", "t1", "v3", "v4", "v5" };
        var learners = new List<Guid>();
        foreach (var row in data.Rows)
        {
            if (outline.Contains(row.LessonId) && !learners.Contains(row.UserId))
            {
                learners.Add(row.UserId);
            }
        }
        int completedAll = 0;
        double percentSum = 0, seconds = 0;
        foreach (var learner in learners)
        {
            var done = 0;
            foreach (var row in data.Rows)
            {
                if (row.UserId == learner && outline.Contains(row.LessonId))
                {
                    done += row.CompletedAt is null ? 0 : 1;
                    seconds += row.Watched.Covered;
                }
            }
            completedAll += done == outline.Length ? 1 : 0;
            percentSum += 100.0 * done / outline.Length;
        }

        Assert.Equal("c1", course.CourseId);
        Assert.Equal(55, course.Enrollments);
        Assert.Equal(learners.Count, course.Viewers);
        Assert.Equal(seconds, course.TotalWatchSeconds);
        Assert.Equal(completedAll, course.CompletedLearners);
        Assert.True(completedAll >= 6, "the diligent learners finish the course");
        Assert.Equal(ExpectedPercent(completedAll, learners.Count), course.CompletionRate);
        // Summed in another order here: allow the last rounded decimal to differ.
        Assert.InRange(course.AverageCompletionPercent, Math.Round(percentSum / learners.Count, 1) - 0.1001, Math.Round(percentSum / learners.Count, 1) + 0.1001);
        Assert.Equal(outline, course.Funnel.Select(f => f.LessonId));
        Assert.All(course.Funnel, f => Assert.Equal(ExpectedPercent(f.Completions, f.Viewers), f.CompletionRate));
        Assert.Equal(data.Rows.Count(r => r.LessonId == "v3"), course.Funnel[3].Viewers);
        Assert.Equal(data.Rows.Count(r => r.LessonId == "v3" && r.CompletedAt is not null), course.Funnel[3].Completions);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Active_learners_and_the_daily_series_match_counts_per_day(int seed)
    {
        var data = AnalyticsDataset.Generate(seed);
        var course = Compute(data).Course;
        var today = AnalyticsDataset.Today;

        var week = new HashSet<Guid>();
        var month = new HashSet<Guid>();
        foreach (var a in data.Activity)
        {
            var daysAgo = today.DayNumber - a.Day.DayNumber;
            if (daysAgo is >= 0 and <= 6)
            {
                week.Add(a.UserId);
            }
            if (daysAgo is >= 0 and <= 29)
            {
                month.Add(a.UserId);
            }
        }
        Assert.Equal(week.Count, course.ActiveLearners7d);
        Assert.Equal(month.Count, course.ActiveLearners30d);
        Assert.True(month.Count > week.Count, "the data has learners active only earlier in the month");

        Assert.Equal(30, course.Daily.Count);
        var outline = new[] { "v1", "v2", "t1", "v3", "v4", "v5" };
        for (var i = 0; i < 30; i++)
        {
            var day = today.AddDays(i - 29);
            var entry = course.Daily[i];
            Assert.Equal(day, entry.Date);
            Assert.Equal(data.Activity.Where(a => a.Day == day).Select(a => a.UserId).Distinct().Count(), entry.ActiveLearners);
            var completions = data.Rows.Count(r => outline.Contains(r.LessonId) && r.CompletedAt is { } c && DateOnly.FromDateTime(c.UtcDateTime) == day);
            Assert.Equal(completions, entry.Completions);
            var firstSeen = 0;
            foreach (var learner in data.Rows.Select(r => r.UserId).Distinct())
            {
                var first = data.Rows.Where(r => r.UserId == learner && outline.Contains(r.LessonId)).Select(r => r.FirstWatchedAt).DefaultIfEmpty().Min();
                if (first != default && DateOnly.FromDateTime(first.UtcDateTime) == day)
                {
                    firstSeen++;
                }
            }
            Assert.Equal(firstSeen, entry.NewViewers);
        }
        Assert.Contains(course.Daily, d => d.NewViewers > 0);
        Assert.Contains(course.Daily, d => d.Completions > 0);
    }
}
