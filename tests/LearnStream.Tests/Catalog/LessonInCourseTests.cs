using LearnStream.Api.Features.Catalog;

namespace LearnStream.Tests.Catalog;

/// <summary>The catalog cache's per-lesson entry: a lesson found by its place in its course.</summary>
public class LessonInCourseTests
{
    private static Course Course() => new()
    {
        Id = "c1",
        Slug = "c1",
        Title = "Course",
        Sections =
        [
            new Section { Id = "s1", Title = "One", Lessons = [new Lesson { Id = "a", Title = "A" }, new Lesson { Id = "b", Title = "B" }] },
            new Section { Id = "s2", Title = "Empty" },
            new Section { Id = "s3", Title = "Three", Lessons = [new Lesson { Id = "c", Title = "C", Kind = LessonKind.Text, Body = "# C" }] },
        ],
    };

    [Theory]
    [InlineData("a", 0, 0)]
    [InlineData("b", 0, 1)]
    [InlineData("c", 2, 0)]
    public void A_lesson_is_found_at_its_section_and_index(string lessonId, int section, int index)
    {
        var found = LessonInCourse.Find(Course(), lessonId);

        Assert.Equal((section, index), (found!.Section, found.Index));
        Assert.Equal(lessonId, found.Lesson.Id);
    }

    [Fact]
    public void A_lesson_not_in_the_course_or_no_course_finds_nothing()
    {
        Assert.Null(LessonInCourse.Find(Course(), "z"));
        Assert.Null(LessonInCourse.Find(null, "a"));
    }
}
