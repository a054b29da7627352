using LearnStream.Api.Features.Catalog;
using ZiggyCreatures.Caching.Fusion.Serialization.SystemTextJson;

namespace LearnStream.Tests.Catalog;

/// <summary>The catalog cache's per-lesson entry: found by place, and the same after a trip through Redis (its L2).</summary>
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

    [Fact]
    public void The_entry_comes_back_from_the_cache_serializer_pointing_at_the_same_lesson()
    {
        var serializer = new FusionCacheSystemTextJsonSerializer();

        var back = serializer.Deserialize<LessonInCourse>(serializer.Serialize(LessonInCourse.Find(Course(), "c")));

        Assert.Equal(("c1", 2, 0), (back!.Course.Id, back.Section, back.Index));
        Assert.Equal(("c", LessonKind.Text, "# C"), (back.Lesson.Id, back.Lesson.Kind, back.Lesson.Body));
    }
}
