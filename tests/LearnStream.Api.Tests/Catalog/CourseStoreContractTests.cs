using LearnStream.Api.Features.Catalog;

namespace LearnStream.Api.Tests.Catalog;

/// <summary>
/// What every <see cref="ICourseStore"/> promises, run once per store. Tests of one class share a
/// database, so each test makes its own ids, slugs and tag and filters every list by that tag.
/// </summary>
public abstract partial class CourseStoreContractTests
{
    /// <summary>Times with whole milliseconds: the finest precision every store keeps.</summary>
    protected static readonly DateTimeOffset At = new(2026, 3, 1, 9, 15, 30, 123, TimeSpan.Zero);

    /// <summary>Unique to this test: no other test's course carries it.</summary>
    protected string Tag { get; } = "tag-" + Unique();

    protected abstract ICourseStore Store { get; }

    protected static string Unique() => Guid.NewGuid().ToString("N");

    protected Course NewCourse(DateTimeOffset? createdAt = null, CourseStatus status = CourseStatus.Published, string? instructor = null)
    {
        var id = Unique();
        return new Course
        {
            Id = id,
            Slug = "course-" + id,
            Title = "Course " + id[..8],
            Subtitle = "Subtitle " + id[..8],
            Description = "What the course teaches.",
            Tags = [Tag, "shared"],
            Level = "beginner",
            Language = "en",
            Price = new Price(4900, "EUR"),
            Status = status,
            InstructorIds = [instructor ?? "instructor-" + Unique(), "co-" + Unique()],
            CoverImageUrl = "https://cdn.example.test/" + id + ".png",
            CreatedAt = createdAt ?? At,
            UpdatedAt = (createdAt ?? At).AddMinutes(5),
            PublishedAt = status == CourseStatus.Published ? (createdAt ?? At).AddHours(1) : null,
            Sections =
            [
                new Section
                {
                    Id = Unique(),
                    Title = "Basics",
                    Lessons =
                    [
                        new Lesson { Id = Unique(), Title = "Welcome", Kind = LessonKind.Video, Description = "Hello", IsPreview = true },
                        new Lesson { Id = Unique(), Title = "Reading", Kind = LessonKind.Text, Body = "# Notes\nSome *markdown*." },
                    ],
                },
                new Section { Id = Unique(), Title = "Coming soon" },
            ],
        };
    }

    protected async Task<Course> InsertAsync(Course course)
    {
        Assert.Equal(StoreWrite.Ok, await Store.InsertAsync(course, CancellationToken.None));
        return course;
    }

    protected static void AssertSameCourse(Course expected, Course? actual, bool withOutline = true)
    {
        Assert.NotNull(actual);
        Assert.Equal(
            (expected.Id, expected.Slug, expected.Title, expected.Subtitle, expected.Description, expected.Level, expected.Language),
            (actual.Id, actual.Slug, actual.Title, actual.Subtitle, actual.Description, actual.Level, actual.Language));
        Assert.Equal(expected.Tags, actual.Tags);
        Assert.Equal(expected.InstructorIds, actual.InstructorIds);
        Assert.Equal(expected.Price, actual.Price);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.CoverImageUrl, actual.CoverImageUrl);
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
        Assert.Equal(expected.UpdatedAt, actual.UpdatedAt);
        Assert.Equal(expected.PublishedAt, actual.PublishedAt);
        Assert.Equal(expected.Version, actual.Version);
        if (!withOutline)
        {
            Assert.Empty(actual.Sections);
            return;
        }
        Assert.Equal(expected.Sections.Select(s => (s.Id, s.Title)), actual.Sections.Select(s => (s.Id, s.Title)));
        Assert.Equal(
            expected.Lessons.Select(l => (l.Id, l.Title, l.Kind, l.Description, l.Body, l.IsPreview)),
            actual.Lessons.Select(l => (l.Id, l.Title, l.Kind, l.Description, l.Body, l.IsPreview)));
    }

    [Fact]
    public async Task Inserted_course_is_found_whole_by_id_and_by_slug_at_version_1()
    {
        var course = await InsertAsync(NewCourse());

        Assert.Equal(1, course.Version);
        AssertSameCourse(course, await Store.FindAsync(course.Id, CancellationToken.None));
        AssertSameCourse(course, await Store.FindAsync(course.Slug, CancellationToken.None));
    }

    [Fact]
    public async Task Free_draft_without_price_or_publication_reads_back_as_such()
    {
        var course = NewCourse(status: CourseStatus.Draft);
        course.Price = null;
        course.Subtitle = null;
        course.Sections = [];

        await InsertAsync(course);

        var stored = await Store.FindAsync(course.Id, CancellationToken.None);
        AssertSameCourse(course, stored);
        Assert.True(stored!.IsFree);
        Assert.Null(stored.PublishedAt);
    }

    [Fact]
    public async Task Insert_with_a_taken_slug_is_SlugTaken_and_stores_nothing()
    {
        var first = await InsertAsync(NewCourse());
        var second = NewCourse();
        second.Slug = first.Slug;

        Assert.Equal(StoreWrite.SlugTaken, await Store.InsertAsync(second, CancellationToken.None));

        Assert.Null(await Store.FindAsync(second.Id, CancellationToken.None));
        Assert.Equal(first.Id, (await Store.FindAsync(first.Slug, CancellationToken.None))?.Id);
    }

    [Theory]
    [InlineData("no-such-course")]
    [InlineData("")]
    [InlineData("{ \"$ne\": null }")]
    [InlineData("' OR '1'='1")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789")]
    public async Task Find_of_an_unknown_or_malformed_id_finds_nothing(string idOrSlug)
    {
        await InsertAsync(NewCourse());

        Assert.Null(await Store.FindAsync(idOrSlug, CancellationToken.None));
    }

    [Fact]
    public async Task Find_by_lesson_returns_the_course_that_holds_it()
    {
        await InsertAsync(NewCourse());
        var course = await InsertAsync(NewCourse());

        var found = await Store.FindByLessonAsync(course.Sections[0].Lessons[1].Id, CancellationToken.None);

        AssertSameCourse(course, found);
        Assert.Null(await Store.FindByLessonAsync(Unique(), CancellationToken.None));
    }

    [Fact]
    public async Task Replace_at_the_current_version_writes_the_course_as_the_next_version()
    {
        var course = await InsertAsync(NewCourse());
        var removed = course.Sections[0].Lessons[0];
        course.Title = "Renamed";
        course.Slug = "renamed-" + course.Id;
        course.Tags.Add("added");
        course.Sections[0].Lessons.Remove(removed);
        var added = new Lesson { Id = Unique(), Title = "New lesson", Kind = LessonKind.Text, Body = "New body" };
        course.Sections[1].Lessons.Add(added);

        Assert.Equal(StoreWrite.Ok, await Store.ReplaceAsync(course, expectedVersion: 1, CancellationToken.None));

        Assert.Equal(2, course.Version);
        AssertSameCourse(course, await Store.FindAsync(course.Slug, CancellationToken.None));
        Assert.Equal(course.Id, (await Store.FindByLessonAsync(added.Id, CancellationToken.None))?.Id);
        Assert.Null(await Store.FindByLessonAsync(removed.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Replace_at_a_stale_version_is_a_conflict_and_keeps_the_stored_course()
    {
        var course = await InsertAsync(NewCourse());
        course.Title = "First edit";
        Assert.Equal(StoreWrite.Ok, await Store.ReplaceAsync(course, 1, CancellationToken.None));
        var stale = (await Store.FindAsync(course.Id, CancellationToken.None))!;
        stale.Title = "Lost edit";

        Assert.Equal(StoreWrite.VersionConflict, await Store.ReplaceAsync(stale, expectedVersion: 1, CancellationToken.None));

        var stored = await Store.FindAsync(course.Id, CancellationToken.None);
        Assert.Equal(("First edit", 2L), (stored?.Title, stored?.Version));
    }

    [Fact]
    public async Task Replace_of_an_unknown_course_is_NotFound()
    {
        var course = NewCourse();

        Assert.Equal(StoreWrite.NotFound, await Store.ReplaceAsync(course, 1, CancellationToken.None));

        Assert.Null(await Store.FindAsync(course.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Replace_to_another_courses_slug_is_SlugTaken_and_changes_nothing()
    {
        var taken = await InsertAsync(NewCourse());
        var course = await InsertAsync(NewCourse());
        var ownSlug = course.Slug;
        course.Slug = taken.Slug;
        course.Title = "Should not be stored";

        Assert.Equal(StoreWrite.SlugTaken, await Store.ReplaceAsync(course, 1, CancellationToken.None));

        var stored = await Store.FindAsync(course.Id, CancellationToken.None);
        Assert.Equal((ownSlug, 1L), (stored?.Slug, stored?.Version));
        Assert.NotEqual("Should not be stored", stored?.Title);
        Assert.Equal(taken.Id, (await Store.FindAsync(taken.Slug, CancellationToken.None))?.Id);
    }

    [Fact]
    public async Task Delete_at_a_stale_version_is_a_conflict_and_the_course_stays()
    {
        var course = await InsertAsync(NewCourse());
        Assert.Equal(StoreWrite.Ok, await Store.ReplaceAsync(course, 1, CancellationToken.None));

        Assert.Equal(StoreWrite.VersionConflict, await Store.DeleteAsync(course.Id, expectedVersion: 1, CancellationToken.None));

        Assert.Equal(2, (await Store.FindAsync(course.Id, CancellationToken.None))?.Version);
    }

    [Fact]
    public async Task Delete_at_the_current_version_removes_the_course_and_its_lessons()
    {
        var course = await InsertAsync(NewCourse());

        Assert.Equal(StoreWrite.Ok, await Store.DeleteAsync(course.Id, 1, CancellationToken.None));

        Assert.Null(await Store.FindAsync(course.Id, CancellationToken.None));
        Assert.Null(await Store.FindAsync(course.Slug, CancellationToken.None));
        Assert.Null(await Store.FindByLessonAsync(course.Sections[0].Lessons[0].Id, CancellationToken.None));
        Assert.Equal(StoreWrite.NotFound, await Store.DeleteAsync(course.Id, 1, CancellationToken.None));
    }
}
