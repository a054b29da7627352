using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace LearnStream.Api.Features.Catalog;

/// <summary>Renders instructors' Markdown to HTML that is safe to insert into a page.</summary>
public static class MarkdownRenderer
{
    // Raw HTML is escaped, not passed through; link schemes are checked below.
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().DisableHtml().Build();
    private static readonly string[] SafeSchemes = ["http", "https", "mailto"];

    public static string? ToSafeHtml(string? markdown)
    {
        if (string.IsNullOrWhiteSpace(markdown))
        {
            return null;
        }
        var document = Markdown.Parse(markdown, Pipeline);
        foreach (var link in document.Descendants<LinkInline>())
        {
            if (!IsSafe(link.Url))
            {
                link.Url = "#";
            }
        }
        // <scheme:...> autolinks are a node of their own, with the same danger.
        foreach (var link in document.Descendants<AutolinkInline>())
        {
            if (!link.IsEmail && !IsSafe(link.Url))
            {
                link.Url = "#";
            }
        }
        return document.ToHtml(Pipeline);
    }

    // javascript:, data: and friends run code or smuggle content; relative links and http(s) do not.
    private static bool IsSafe(string? url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return true;
        }
        var trimmed = new string(url.Where(c => !char.IsWhiteSpace(c) && !char.IsControl(c)).ToArray());
        var colon = trimmed.IndexOf(':', StringComparison.Ordinal);
        var slash = trimmed.IndexOfAny(['/', '?', '#']);
        if (colon < 0 || (slash >= 0 && slash < colon))
        {
            return true;
        }
        return SafeSchemes.Contains(trimmed[..colon], StringComparer.OrdinalIgnoreCase);
    }
}
