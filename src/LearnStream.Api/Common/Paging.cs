using System.ComponentModel.DataAnnotations;

namespace LearnStream.Api.Common;

/// <summary>The shape of every paged list in the API.</summary>
public sealed record Paged<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);

/// <summary>Paging query parameters: page from 1, page size capped at 100.</summary>
public static class Paging
{
    public const int MaxPageSize = 100;
    public const int DefaultPageSize = 20;

    /// <summary>Keeps the row offset inside an int whatever the page size.</summary>
    public const int MaxPage = 1_000_000;

    public static Dictionary<string, string[]>? Validate(int? page, int? pageSize)
    {
        var errors = new Dictionary<string, string[]>();
        if (page is < 1 or > MaxPage)
        {
            errors["page"] = [$"page must be between 1 and {MaxPage}."];
        }
        if (pageSize is < 1 or > MaxPageSize)
        {
            errors["pageSize"] = [$"pageSize must be between 1 and {MaxPageSize}."];
        }
        return errors.Count == 0 ? null : errors;
    }

    public static (int Page, int PageSize, int Skip) Resolve(int? page, int? pageSize)
    {
        var p = page ?? 1;
        var size = pageSize ?? DefaultPageSize;
        return (p, size, (p - 1) * size);
    }
}
