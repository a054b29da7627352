using LearnStream.Api.Features.Catalog;
using LearnStream.Api.Features.Progress;

namespace LearnStream.Api.Features.Analytics;

/// <summary>The inputs of one course's analytics, each bounded by learners and lessons, never by beats.</summary>
/// <param name="Course">The course with its outline; lessons no longer in it are left out of every figure.</param>
/// <param name="Rows">One progress row per learner and lesson of the course.</param>
/// <param name="Activity">One row per learner and UTC day with activity, at least the last <see cref="CourseAnalyticsCalculator.WindowDays"/> days.</param>
/// <param name="VideoDurations">Lesson id to the length of its ready video, in seconds.</param>
/// <param name="Enrollments">Active, unexpired enrollments.</param>
/// <param name="Now">When the figures are computed; its UTC date is "today".</param>
public sealed record AnalyticsInput(
    Course Course,
    IReadOnlyList<LessonProgress> Rows,
    IReadOnlyList<ActivityDay> Activity,
    IReadOnlyDictionary<string, double> VideoDurations,
    int Enrollments,
    DateTimeOffset Now);

/// <summary>
/// Turns a course's progress rows and activity days into its analytics. Pure: no store, clock or
/// cache, so it can be checked against a generated dataset. One pass over the rows and one over the
/// activity days.
/// </summary>
public static class CourseAnalyticsCalculator
{
    /// <summary>Days in the daily series and in the 30-day active count.</summary>
    public const int WindowDays = 30;

    /// <summary>Days in the short active count.</summary>
    public const int ShortWindowDays = 7;

    /// <summary>Bins of the drop-off histogram.</summary>
    public const int DropOffBins = 10;

    public static CourseAnalyticsReport Compute(AnalyticsInput input)
    {
        var course = input.Course;
        var lessons = course.Lessons.ToList();
        var today = DateOnly.FromDateTime(input.Now.UtcDateTime);
        var firstDay = today.AddDays(-(WindowDays - 1));

        var rowsByLesson = lessons.ToDictionary(l => l.Id, _ => new List<LessonProgress>(), StringComparer.Ordinal);
        var completedByLearner = new Dictionary<Guid, int>();
        var firstWatchByLearner = new Dictionary<Guid, DateTimeOffset>();
        var completionsByDay = new Dictionary<DateOnly, int>();
        foreach (var row in input.Rows)
        {
            if (!rowsByLesson.TryGetValue(row.LessonId, out var lessonRows))
            {
                continue;
            }
            lessonRows.Add(row);
            completedByLearner[row.UserId] = completedByLearner.GetValueOrDefault(row.UserId) + (row.Completed ? 1 : 0);
            if (!firstWatchByLearner.TryGetValue(row.UserId, out var first) || row.FirstWatchedAt < first)
            {
                firstWatchByLearner[row.UserId] = row.FirstWatchedAt;
            }
            if (row.CompletedAt is { } completedAt)
            {
                var day = DayOf(completedAt);
                completionsByDay[day] = completionsByDay.GetValueOrDefault(day) + 1;
            }
        }

        var lessonFigures = lessons
            .Select(l => ForLesson(course.Id, l, rowsByLesson[l.Id], input.VideoDurations, input.Now))
            .ToList();

        var viewers = completedByLearner.Count;
        var completedLearners = lessons.Count == 0 ? 0 : completedByLearner.Values.Count(c => c >= lessons.Count);
        var completionPercentSum = lessons.Count == 0 ? 0 : completedByLearner.Values.Sum(c => 100.0 * c / lessons.Count);

        var newViewersByDay = firstWatchByLearner.Values.GroupBy(DayOf).ToDictionary(g => g.Key, g => g.Count());
        var (activeByDay, active7, active30) = CountActive(input.Activity, course.Id, firstDay, today);
        var daily = new List<DailyActivity>(WindowDays);
        for (var day = firstDay; day <= today; day = day.AddDays(1))
        {
            daily.Add(new DailyActivity(day, activeByDay.GetValueOrDefault(day), newViewersByDay.GetValueOrDefault(day), completionsByDay.GetValueOrDefault(day)));
        }

        var summary = new CourseAnalytics(
            course.Id,
            input.Enrollments,
            viewers,
            active7,
            active30,
            lessonFigures.Sum(l => l.TotalWatchSeconds),
            completedLearners,
            Percent(completedLearners, viewers),
            viewers == 0 ? 0 : Math.Round(completionPercentSum / viewers, 1),
            lessonFigures.Select(l => new FunnelStep(l.LessonId, l.Title, l.Viewers, l.Completions, l.CompletionRate)).ToList(),
            daily,
            lessonFigures,
            input.Now);
        return new CourseAnalyticsReport(summary, lessonFigures);
    }

    /// <summary>A share in percent with one decimal; 0 when there is nothing to share.</summary>
    public static double Percent(int part, int whole) => whole == 0 ? 0 : Math.Round(100.0 * part / whole, 1);

    private static LessonAnalytics ForLesson(string courseId, Lesson lesson, List<LessonProgress> rows, IReadOnlyDictionary<string, double> durations, DateTimeOffset now)
    {
        var isVideo = lesson.Kind == LessonKind.Video;
        double? current = isVideo && durations.TryGetValue(lesson.Id, out var d) && d > 0 ? d : null;
        var completions = 0;
        double watched = 0;
        var reached = new int[DropOffBins];
        foreach (var row in rows)
        {
            completions += row.Completed ? 1 : 0;
            watched += row.WatchedSeconds;
            // The length the learner's intervals were clamped to; the current one only for rows without it.
            if (isVideo && (row.Duration is > 0 ? row.Duration : current) is { } length)
            {
                for (var k = 0; k < DropOffBins; k++)
                {
                    if (row.Watched.CoveredWithin(k * length / DropOffBins, (k + 1) * length / DropOffBins) > 0)
                    {
                        reached[k]++;
                    }
                }
            }
        }
        var viewers = rows.Count;
        return new LessonAnalytics(
            lesson.Id, courseId, lesson.Title, lesson.Kind, current,
            viewers, completions, Percent(completions, viewers), watched,
            viewers == 0 ? 0 : Math.Round(watched / viewers, 1),
            isVideo ? reached.Select(r => Percent(r, viewers)).ToList() : [],
            now);
    }

    private static (Dictionary<DateOnly, int> ByDay, int Last7, int Last30) CountActive(
        IReadOnlyList<ActivityDay> activity, string courseId, DateOnly firstDay, DateOnly today)
    {
        var learnersByDay = new Dictionary<DateOnly, HashSet<Guid>>();
        var last7 = new HashSet<Guid>();
        var last30 = new HashSet<Guid>();
        var shortFirstDay = today.AddDays(-(ShortWindowDays - 1));
        foreach (var a in activity)
        {
            // Days outside the window, or after today by a skewed clock, are not the last 30 days.
            if (a.CourseId != courseId || a.Day < firstDay || a.Day > today)
            {
                continue;
            }
            if (!learnersByDay.TryGetValue(a.Day, out var learners))
            {
                learnersByDay[a.Day] = learners = [];
            }
            learners.Add(a.UserId);
            last30.Add(a.UserId);
            if (a.Day >= shortFirstDay)
            {
                last7.Add(a.UserId);
            }
        }
        return (learnersByDay.ToDictionary(p => p.Key, p => p.Value.Count), last7.Count, last30.Count);
    }

    private static DateOnly DayOf(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);
}
