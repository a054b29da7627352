using LearnStream.Api.Features.Catalog;

namespace LearnStream.Api.Tests.Catalog;

public abstract partial class CourseStoreContractTests
{
    [Fact]
    public async Task Get_many_returns_the_known_courses_by_id_without_their_outline()
    {
        var first = await InsertAsync(NewCourse());
        var second = await InsertAsync(NewCourse(status: CourseStatus.Draft));

        var found = await Store.GetManyAsync([first.Id, second.Id, "unknown-" + Unique()], CancellationToken.None);

        Assert.Equal(new[] { first.Id, second.Id }.Order(), found.Keys.Order());
        Assert.Equal(first.Title, found[first.Id].Title);
        Assert.Equal(CourseStatus.Draft, found[second.Id].Status);
        Assert.All(found.Values, c => Assert.Empty(c.Sections));
    }

    [Fact]
    public async Task Get_many_with_sections_returns_each_outline_in_order()
    {
        var first = await InsertAsync(NewCourse());
        var second = await InsertAsync(NewCourse(status: CourseStatus.Draft));

        var found = await Store.GetManyAsync([first.Id, second.Id, "unknown-" + Unique()], CancellationToken.None, includeSections: true);

        Assert.Equal(new[] { first.Id, second.Id }.Order(), found.Keys.Order());
        AssertSameCourse(first, found[first.Id]);
        AssertSameCourse(second, found[second.Id]);
    }

    [Fact]
    public async Task Get_many_of_nothing_is_empty()
    {
        Assert.Empty(await Store.GetManyAsync([], CancellationToken.None));
    }
}
