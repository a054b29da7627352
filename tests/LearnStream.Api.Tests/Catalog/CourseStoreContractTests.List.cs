using LearnStream.Api.Features.Catalog;

namespace LearnStream.Api.Tests.Catalog;

public abstract partial class CourseStoreContractTests
{
    private CourseQuery Query(CourseVisibility visibility = CourseVisibility.All, string? viewer = null, string? search = null,
        string? level = null, string? instructor = null, int skip = 0, int take = 20) =>
        new(visibility, viewer, search, Tag, level, instructor, skip, take);

    private async Task AssertListsAsync(CourseQuery query, IEnumerable<string> expectedIds, int expectedTotal)
    {
        var (items, total) = await Store.ListAsync(query, CancellationToken.None);
        Assert.Equal(expectedIds, items.Select(c => c.Id));
        Assert.Equal(expectedTotal, total);
    }

    [Fact]
    public async Task Visibility_decides_whether_drafts_and_archived_courses_are_listed()
    {
        var viewer = "viewer-" + Unique();
        var published = await InsertAsync(NewCourse(At.AddMinutes(3)));
        var ownDraft = await InsertAsync(NewCourse(At.AddMinutes(2), CourseStatus.Draft, instructor: viewer));
        var otherDraft = await InsertAsync(NewCourse(At.AddMinutes(1), CourseStatus.Draft));
        var archived = await InsertAsync(NewCourse(At, CourseStatus.Archived));

        await AssertListsAsync(Query(CourseVisibility.Published), [published.Id], 1);
        await AssertListsAsync(Query(CourseVisibility.PublishedOrTaughtBy, viewer), [published.Id, ownDraft.Id], 2);
        await AssertListsAsync(Query(CourseVisibility.All), [published.Id, ownDraft.Id, otherDraft.Id, archived.Id], 4);
    }

    [Fact]
    public async Task Tag_filter_lists_only_courses_carrying_the_tag()
    {
        var tagged = await InsertAsync(NewCourse());
        var other = NewCourse();
        other.Tags = ["other-" + Unique()];
        await InsertAsync(other);

        await AssertListsAsync(Query(), [tagged.Id], 1);
    }

    [Fact]
    public async Task Level_filter_lists_only_courses_of_that_level()
    {
        var beginner = await InsertAsync(NewCourse(At.AddMinutes(1)));
        var advanced = NewCourse(At);
        advanced.Level = "advanced";
        await InsertAsync(advanced);

        await AssertListsAsync(Query(level: "advanced"), [advanced.Id], 1);
        await AssertListsAsync(Query(level: "beginner"), [beginner.Id], 1);
    }

    [Fact]
    public async Task Instructor_filter_matches_any_instructor_of_a_course()
    {
        var instructor = "instructor-" + Unique();
        var owned = await InsertAsync(NewCourse(At.AddMinutes(2), instructor: instructor));
        var coTaught = NewCourse(At.AddMinutes(1));
        coTaught.InstructorIds.Add(instructor);
        await InsertAsync(coTaught);
        await InsertAsync(NewCourse(At));

        await AssertListsAsync(Query(instructor: instructor), [owned.Id, coTaught.Id], 2);
    }

    [Fact]
    public async Task Search_finds_a_course_by_a_whole_word_of_its_title_whatever_the_case()
    {
        var word = "kw" + Unique()[..10];
        var match = NewCourse();
        match.Title = $"Mastering {word} in practice";
        await InsertAsync(match);
        await InsertAsync(NewCourse());

        await AssertListsAsync(Query(search: word.ToUpperInvariant()), [match.Id], 1);
        await AssertListsAsync(Query(search: "absent" + Unique()[..10]), [], 0);
    }

    [Fact]
    public async Task Pages_follow_newest_first_and_total_counts_every_match()
    {
        var courses = new List<Course>();
        foreach (var minutes in new[] { 3, 0, 4, 1, 2 })
        {
            courses.Add(await InsertAsync(NewCourse(At.AddMinutes(minutes))));
        }
        var newestFirst = courses.OrderByDescending(c => c.CreatedAt).Select(c => c.Id).ToList();

        await AssertListsAsync(Query(), newestFirst, 5);
        await AssertListsAsync(Query(skip: 1, take: 2), newestFirst[1..3], 5);
        await AssertListsAsync(Query(skip: 4, take: 10), newestFirst[4..], 5);
        await AssertListsAsync(Query(skip: 5, take: 10), [], 5);
    }

    [Fact]
    public async Task Courses_created_at_the_same_time_are_ordered_by_id()
    {
        var courses = new List<Course>();
        for (var i = 0; i < 4; i++)
        {
            courses.Add(await InsertAsync(NewCourse(At)));
        }
        var byId = courses.Select(c => c.Id).Order(StringComparer.Ordinal).ToList();

        await AssertListsAsync(Query(), byId, 4);
        await AssertListsAsync(Query(skip: 2, take: 2), byId[2..], 4);
    }

    [Fact]
    public async Task Listed_courses_carry_every_field_but_no_sections()
    {
        var course = await InsertAsync(NewCourse());

        var (items, _) = await Store.ListAsync(Query(), CancellationToken.None);

        AssertSameCourse(course, Assert.Single(items), withOutline: false);
    }
}
