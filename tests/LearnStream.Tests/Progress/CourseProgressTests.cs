using LearnStream.Api.Features.Catalog;
using LearnStream.Api.Features.Progress;

namespace LearnStream.Tests.Progress;

public sealed class CourseProgressTests
{
    private static readonly Guid Learner = Guid.NewGuid();
    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 10, 0, 0, TimeSpan.Zero);

    /// <summary>Two sections, lessons a, b in the first and c, d in the second.</summary>
    private static Course NewCourse() => new()
    {
        Id = "course",
        Slug = "course",
        Title = "Course",
        Sections =
        [
            new Section { Id = "s1", Title = "One", Lessons = [Video("a"), Video("b")] },
            new Section { Id = "s2", Title = "Two", Lessons = [Video("c"), Video("d")] },
        ],
    };

    private static Lesson Video(string id) => new() { Id = id, Title = id, Kind = LessonKind.Video };

    private static LessonProgress Watched(string lessonId, int minutes, bool completed = false, double position = 10) => new()
    {
        UserId = Learner,
        CourseId = "course",
        LessonId = lessonId,
        Watched = WatchedIntervals.From([new Interval(0, completed ? 100 : 20)]),
        Sessions = [new SessionMark("s", T0, 1, position)],
        Duration = 100,
        CompletedAt = completed ? T0.AddMinutes(minutes) : null,
        FirstWatchedAt = T0,
        LastWatchedAt = T0.AddMinutes(minutes),
    };

    private static CourseProgress Of(Course course, params LessonProgress[] states) =>
        CourseProgress.Of(course, states.ToDictionary(s => s.LessonId));

    [Fact]
    public void Nothing_watched_starts_at_the_first_lesson_with_nothing_complete()
    {
        var progress = Of(NewCourse());

        Assert.Equal((0.0, 0, 4, "a"), (progress.Percent, progress.CompletedLessons, progress.TotalLessons, progress.NextLessonId));
        Assert.Null(progress.CompletedAt);
        Assert.Null(progress.LastWatchedAt);
        Assert.Equal(["a", "b", "c", "d"], progress.Lessons.Select(l => l.LessonId));
    }

    [Fact]
    public void The_lesson_watched_last_is_next_while_it_is_unfinished()
    {
        var progress = Of(NewCourse(), Watched("a", 1, completed: true), Watched("c", 5), Watched("b", 2));

        Assert.Equal("c", progress.NextLessonId);
        Assert.Equal(T0.AddMinutes(5), progress.LastWatchedAt);
    }

    [Fact]
    public void After_finishing_a_lesson_the_next_unfinished_one_after_it_is_next()
    {
        var progress = Of(NewCourse(), Watched("b", 5, completed: true), Watched("c", 1, completed: true));

        Assert.Equal("d", progress.NextLessonId);
    }

    [Fact]
    public void After_finishing_the_last_lesson_the_first_unfinished_one_is_next()
    {
        var progress = Of(NewCourse(), Watched("b", 1, completed: true), Watched("d", 5, completed: true));

        Assert.Equal("a", progress.NextLessonId);
        Assert.Equal(50, progress.Percent);
        Assert.Null(progress.CompletedAt);
    }

    [Fact]
    public void A_finished_course_has_no_next_lesson_and_is_complete_at_its_last_completion()
    {
        var progress = Of(NewCourse(),
            Watched("a", 1, completed: true), Watched("b", 9, completed: true), Watched("c", 3, completed: true), Watched("d", 4, completed: true));

        Assert.Null(progress.NextLessonId);
        Assert.Equal(100, progress.Percent);
        Assert.Equal(T0.AddMinutes(9), progress.CompletedAt);
    }

    [Fact]
    public void Percent_is_the_share_of_complete_lessons_to_one_decimal()
    {
        var course = NewCourse();
        course.Sections[1].Lessons.Add(Video("e"));
        course.Sections[1].Lessons.Add(Video("f"));

        var progress = Of(course, Watched("a", 1, completed: true), Watched("b", 2));

        Assert.Equal(16.7, progress.Percent);
        Assert.Equal((1, 6), (progress.CompletedLessons, progress.TotalLessons));
    }

    [Fact]
    public void Lessons_report_their_own_percent_completion_and_position()
    {
        var progress = Of(NewCourse(), Watched("b", 2, position: 42));

        var b = progress.Lessons[1];
        Assert.Equal(("b", 20.0, false, 42.0), (b.LessonId, b.Percent, b.Completed, b.Position));
        Assert.Equal(("a", 0.0, false, 0.0), (progress.Lessons[0].LessonId, progress.Lessons[0].Percent, progress.Lessons[0].Completed, progress.Lessons[0].Position));
    }

    [Fact]
    public void Progress_in_lessons_no_longer_in_the_course_counts_for_nothing()
    {
        var progress = Of(NewCourse(), Watched("gone", 9, completed: true), Watched("a", 1, completed: true));

        Assert.Equal((1, 4, "b"), (progress.CompletedLessons, progress.TotalLessons, progress.NextLessonId));
        Assert.Equal(T0.AddMinutes(1), progress.LastWatchedAt);
        Assert.DoesNotContain(progress.Lessons, l => l.LessonId == "gone");
    }

    [Fact]
    public void A_course_without_lessons_is_at_zero_percent_with_no_next_lesson_and_never_complete()
    {
        var course = NewCourse();
        course.Sections.Clear();

        var progress = Of(course);

        Assert.Equal((0.0, 0, 0), (progress.Percent, progress.CompletedLessons, progress.TotalLessons));
        Assert.Null(progress.NextLessonId);
        Assert.Null(progress.CompletedAt);
    }
}
