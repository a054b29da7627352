using LearnStream.Api.Features.Catalog;

namespace LearnStream.Api.Features.Analytics;

/// <summary>
/// One lesson's figures. Everything named rate or percent is a percentage from 0 to 100 with one
/// decimal, as API.md asks; counts are learners, not beats.
/// </summary>
/// <param name="Duration">The lesson's current ready video in seconds; null for text lessons and videos not ready.</param>
/// <param name="Viewers">Learners with any progress in the lesson (for a text lesson: those who marked it complete).</param>
/// <param name="CompletionRate">Completions per viewer, in percent; 0 without viewers.</param>
/// <param name="TotalWatchSeconds">Seconds of the video watched, each second counted once per learner (rewatching adds nothing).</param>
/// <param name="AverageWatchSeconds">Total watch seconds per viewer; 0 without viewers.</param>
/// <param name="DropOff">
/// Ten percentages, one per tenth of the video: the share of viewers whose watched intervals reach into
/// that tenth. Each viewer is measured against the video length their progress was recorded with, so a
/// replaced video does not misplace earlier viewers. Empty for text lessons.
/// </param>
public sealed record LessonAnalytics(
    string LessonId, string CourseId, string Title, LessonKind Kind, double? Duration,
    int Viewers, int Completions, double CompletionRate, double TotalWatchSeconds, double AverageWatchSeconds,
    IReadOnlyList<double> DropOff, DateTimeOffset ComputedAt);

/// <summary>One step of the completion funnel: a lesson, in outline order.</summary>
public sealed record FunnelStep(string LessonId, string Title, int Viewers, int Completions, double CompletionRate);

/// <summary>
/// One UTC day: learners active that day (an activity day recorded by the progress store), learners
/// who first watched anything of the course that day, and lesson completions dated that day.
/// </summary>
public sealed record DailyActivity(DateOnly Date, int ActiveLearners, int NewViewers, int Completions);

/// <summary>
/// A course's figures. Only lessons still in the outline count; activity days belong to the course.
/// </summary>
/// <param name="Enrollments">Active, unexpired enrollments now.</param>
/// <param name="Viewers">Distinct learners with progress in any lesson of the course.</param>
/// <param name="ActiveLearners7d">Distinct learners with an activity day in the last 7 UTC days, today included.</param>
/// <param name="ActiveLearners30d">The same over the last 30 UTC days.</param>
/// <param name="CompletedLearners">Viewers who completed every lesson of the outline (none when it has no lessons).</param>
/// <param name="CompletionRate">Completed learners per viewer, in percent; 0 without viewers.</param>
/// <param name="AverageCompletionPercent">The mean over viewers of the percent of the outline's lessons each completed.</param>
/// <param name="Daily">The last 30 UTC days, oldest first, today last.</param>
/// <param name="Lessons">Every lesson's figures (drop-off histograms included), in outline order, as the lesson route gives them one by one.</param>
public sealed record CourseAnalytics(
    string CourseId, int Enrollments, int Viewers, int ActiveLearners7d, int ActiveLearners30d,
    double TotalWatchSeconds, int CompletedLearners, double CompletionRate, double AverageCompletionPercent,
    IReadOnlyList<FunnelStep> Funnel, IReadOnlyList<DailyActivity> Daily, IReadOnlyList<LessonAnalytics> Lessons, DateTimeOffset ComputedAt);

/// <summary>Everything computed for a course in one pass; what the cache keeps, one entry per course.</summary>
public sealed record CourseAnalyticsReport(CourseAnalytics Course, IReadOnlyList<LessonAnalytics> Lessons);
