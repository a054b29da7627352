using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace LearnStream.Api.Features.Catalog;

/// <summary>Field rules of courses and lessons; each failure is a message under the field's name.</summary>
public static partial class CourseValidation
{
    public static readonly IReadOnlyList<string> Levels = ["beginner", "intermediate", "advanced"];

    // ISO 4217 codes in use, as the platform's ICU data knows them; no hand-kept list to go stale.
    private static readonly HashSet<string> Currencies = CultureInfo.GetCultures(CultureTypes.SpecificCultures)
        .Select(c => { try { return new RegionInfo(c.Name).ISOCurrencySymbol; } catch (ArgumentException) { return null; } })
        .Where(code => code is { Length: 3 })
        .Select(code => code!)
        .ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex("^[a-z0-9]+(?:-[a-z0-9]+)*$")]
    private static partial Regex SlugPattern();

    [GeneratedRegex("^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")]
    private static partial Regex LanguagePattern();

    public static bool IsKnownCurrency(string code) => Currencies.Contains(code);

    public static void Check(Dictionary<string, string[]> errors, string? title, string? slug, string? subtitle, string? description,
        List<string>? tags, string? level, string? language, PriceBody? price, string? coverImageUrl, bool titleRequired)
    {
        if (title is null ? titleRequired : string.IsNullOrWhiteSpace(title) || title.Trim().Length > CatalogLimits.TitleLength)
        {
            errors["title"] = [$"A title of 1 to {CatalogLimits.TitleLength} characters is required."];
        }
        if (slug is not null && (slug.Length > CatalogLimits.SlugLength || !SlugPattern().IsMatch(slug)))
        {
            errors["slug"] = [$"Use lowercase letters, digits and single hyphens, at most {CatalogLimits.SlugLength} characters."];
        }
        if (subtitle is { Length: > CatalogLimits.SubtitleLength })
        {
            errors["subtitle"] = [$"At most {CatalogLimits.SubtitleLength} characters."];
        }
        if (description is { Length: > CatalogLimits.DescriptionLength })
        {
            errors["description"] = [$"At most {CatalogLimits.DescriptionLength} characters."];
        }
        if (tags is not null && (tags.Count > CatalogLimits.MaxTags || tags.Any(t => string.IsNullOrWhiteSpace(t) || t.Trim().Length > CatalogLimits.TagLength)))
        {
            errors["tags"] = [$"At most {CatalogLimits.MaxTags} tags, each of 1 to {CatalogLimits.TagLength} characters."];
        }
        if (level is not null && !Levels.Contains(level))
        {
            errors["level"] = [$"level must be one of: {string.Join(", ", Levels)}."];
        }
        if (language is not null && !LanguagePattern().IsMatch(language))
        {
            errors["language"] = ["Use a language tag such as 'en' or 'pt-BR'."];
        }
        if (price is not null)
        {
            if (price.Amount is null or < 0)
            {
                errors["price.amount"] = ["amount is a non-negative integer in minor units (cents)."];
            }
            if (price.Currency is null || !IsKnownCurrency(price.Currency))
            {
                errors["price.currency"] = ["currency is an ISO 4217 code such as EUR or USD."];
            }
        }
        if (coverImageUrl is not null && (coverImageUrl.Length > CatalogLimits.UrlLength
            || !Uri.TryCreate(coverImageUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            errors["coverImageUrl"] = ["An absolute http or https URL."];
        }
    }

    public static bool TryParseKind(string? kind, out LessonKind parsed)
    {
        parsed = kind switch { "video" => LessonKind.Video, "text" => LessonKind.Text, _ => default };
        return kind is "video" or "text";
    }

    /// <summary>A URL-safe slug from a title: "Hello, World! C# 101" gives "hello-world-c-101".</summary>
    public static string Slugify(string title)
    {
        var builder = new StringBuilder();
        foreach (var c in title.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }
            if (char.IsAsciiLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
            else if (builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }
        }
        var slug = builder.ToString().Trim('-');
        if (slug.Length > CatalogLimits.SlugLength - 7)
        {
            slug = slug[..(CatalogLimits.SlugLength - 7)].Trim('-');
        }
        return slug.Length == 0 ? "course" : slug;
    }
}
