using LearnStream.Api.Features.Catalog;
using LearnStream.Api.Features.Progress;

namespace LearnStream.Tests.Analytics;

/// <summary>
/// A generated course: learners with random watched intervals, completions and activity days. It keeps
/// the raw intervals it generated, so tests can compute the expected figures from them without the
/// interval code under test.
/// </summary>
internal sealed class AnalyticsDataset
{
    public static readonly DateTimeOffset Now = new(2026, 5, 20, 15, 30, 0, TimeSpan.Zero);
    public static readonly DateOnly Today = new(2026, 5, 20);

    public required Course Course { get; init; }
    public required Dictionary<string, double> Durations { get; init; }
    public required List<LessonProgress> Rows { get; init; }
    public required List<ActivityDay> Activity { get; init; }

    /// <summary>The generated intervals of each row, whole seconds, before any union: row key to intervals.</summary>
    public required Dictionary<string, List<(int Start, int End)>> RawIntervals { get; init; }

    public static Course MakeCourse(string id, params (string Id, LessonKind Kind)[] lessons) => new()
    {
        Id = id,
        Slug = id,
        Title = "Course " + id,
        Status = CourseStatus.Published,
        InstructorIds = ["teacher"],
        Sections =
        [
            new Section { Id = "s1", Title = "One", Lessons = [.. lessons.Take(3).Select(ToLesson)] },
            new Section { Id = "s2", Title = "Two", Lessons = [.. lessons.Skip(3).Select(ToLesson)] },
        ],
    };

    private static Lesson ToLesson((string Id, LessonKind Kind) l) => new() { Id = l.Id, Title = "Lesson " + l.Id, Kind = l.Kind };

    /// <summary>
    /// 40 learners and 6 lessons (5 videos of odd lengths so tenths fall between seconds, 1 text), plus
    /// rows of a lesson no longer in the outline. The first 6 learners finish everything.
    /// </summary>
    public static AnalyticsDataset Generate(int seed)
    {
        var random = new Random(seed);
        var course = MakeCourse("c1",
            ("v1", LessonKind.Video), ("v2", LessonKind.Video), ("t1", LessonKind.Text),
            ("v3", LessonKind.Video), ("v4", LessonKind.Video), ("v5", LessonKind.Video));
        var durations = new Dictionary<string, double> { ["v1"] = 95, ["v2"] = 137, ["v3"] = 600, ["v4"] = 61, ["v5"] = 250, ["gone"] = 100 };
        var rows = new List<LessonProgress>();
        var raw = new Dictionary<string, List<(int, int)>>();
        var activity = new List<ActivityDay>();
        for (var n = 0; n < 40; n++)
        {
            var user = new Guid(n + 1, 0, 0, new byte[8]);
            var diligent = n < 6;
            foreach (var lessonId in new[] { "v1", "v2", "t1", "v3", "v4", "v5", "gone" })
            {
                if (!diligent && random.NextDouble() < 0.4)
                {
                    continue;
                }
                // First watched up to 40 days back, so some learners are older than the 30-day window.
                var first = Now.AddMinutes(-random.Next(0, 40 * 24 * 60));
                var last = first.AddMinutes(random.Next(0, (int)(Now - first).TotalMinutes + 1));
                if (lessonId == "t1")
                {
                    if (diligent || random.NextDouble() < 0.7)
                    {
                        rows.Add(LessonProgress.CompletedText(user, course.Id, lessonId, first));
                    }
                    continue;
                }
                var duration = (int)durations[lessonId];
                var intervals = new List<(int, int)>();
                if (diligent)
                {
                    intervals.Add((0, duration));
                }
                for (var i = random.Next(0, 5); i > 0; i--)
                {
                    // Some start before 0 or end past the end: the row holds them clamped.
                    var start = random.Next(-5, duration);
                    intervals.Add((start, Math.Min(start + random.Next(1, duration / 2 + 2), duration + 5)));
                }
                var watched = WatchedIntervals.From(intervals.Select(i => new Interval(i.Item1, i.Item2))).ClampTo(duration);
                var complete = watched.Covered >= 0.9 * duration;
                rows.Add(new LessonProgress
                {
                    UserId = user,
                    CourseId = course.Id,
                    LessonId = lessonId,
                    Watched = watched,
                    Duration = duration,
                    FirstWatchedAt = first,
                    LastWatchedAt = last,
                    CompletedAt = complete ? last : null,
                });
                raw[LessonProgress.KeyOf(user, lessonId)] = intervals;
            }
            // Activity one row per learner and day, some of them before the window.
            foreach (var day in Enumerable.Range(0, random.Next(0, 8)).Select(_ => random.Next(0, 36)).Distinct())
            {
                activity.Add(new ActivityDay(course.Id, user, Today.AddDays(-day)));
            }
        }
        return new AnalyticsDataset { Course = course, Durations = durations, Rows = rows, Activity = activity, RawIntervals = raw };
    }
}
