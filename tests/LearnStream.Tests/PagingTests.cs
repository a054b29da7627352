using LearnStream.Api.Common;

namespace LearnStream.Tests;

public class PagingTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData(1, 1)]
    [InlineData(7, 100)]
    public void Validate_accepts_missing_or_in_range_values(int? page, int? pageSize)
    {
        Assert.Null(Paging.Validate(page, pageSize));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Validate_refuses_a_page_below_one(int page)
    {
        var errors = Paging.Validate(page, null);

        Assert.NotNull(errors);
        Assert.Equal(["page"], errors.Keys);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public void Validate_refuses_a_page_size_outside_1_to_100(int pageSize)
    {
        var errors = Paging.Validate(null, pageSize);

        Assert.NotNull(errors);
        Assert.Equal(["pageSize"], errors.Keys);
    }

    [Fact]
    public void Validate_reports_both_problems_at_once()
    {
        Assert.Equal(2, Paging.Validate(0, 0)?.Count);
    }

    [Fact]
    public void Resolve_defaults_to_the_first_page_of_twenty()
    {
        Assert.Equal((1, 20, 0), Paging.Resolve(null, null));
    }

    [Fact]
    public void Resolve_skips_the_items_of_the_earlier_pages()
    {
        Assert.Equal((3, 25, 50), Paging.Resolve(3, 25));
    }

    [Theory]
    [InlineData(int.MaxValue, 20)]
    [InlineData(107_374_184, 20)]
    [InlineData(21_474_838, 100)]
    public void Validate_refuses_pages_whose_row_offset_would_overflow(int page, int pageSize)
    {
        var errors = Paging.Validate(page, pageSize);

        Assert.NotNull(errors);
        Assert.True(errors.ContainsKey("page"));
    }

    [Fact]
    public void The_largest_accepted_page_has_a_non_negative_offset()
    {
        Assert.Null(Paging.Validate(Paging.MaxPage, Paging.MaxPageSize));

        var (_, _, skip) = Paging.Resolve(Paging.MaxPage, Paging.MaxPageSize);

        Assert.Equal((long)(Paging.MaxPage - 1) * Paging.MaxPageSize, skip);
    }
}
