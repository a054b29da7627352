namespace LearnStream.Api.Features.Video.Local;

/// <summary>One <c>NAME=value</c> of an HLS tag; the value's position lets a caller replace it in place.</summary>
internal readonly record struct HlsAttribute(string Name, int ValueStart, int ValueLength, bool Quoted)
{
    public string ValueIn(string line) => line.Substring(ValueStart, ValueLength);
}

/// <summary>
/// Reads an HLS attribute list (RFC 8216 section 4.2) strictly: names are <c>[A-Z0-9-]</c>, quoted strings hold
/// no quote or line break. Anything else is "not an attribute list", which keeps free-text tag values such as
/// an <c>#EXTINF</c> title from being mistaken for attributes.
/// </summary>
internal static class HlsAttributeList
{
    public static bool TryParse(string line, int start, List<HlsAttribute> attributes)
    {
        attributes.Clear();
        var i = start;
        while (true)
        {
            var nameStart = i;
            while (i < line.Length && IsNameChar(line[i]))
            {
                i++;
            }
            if (i == nameStart || i >= line.Length || line[i] != '=')
            {
                return false;
            }
            var name = line[nameStart..i];
            i++;

            if (i < line.Length && line[i] == '"')
            {
                var close = line.IndexOf('"', i + 1);
                if (close < 0)
                {
                    return false;
                }
                attributes.Add(new HlsAttribute(name, i + 1, close - i - 1, Quoted: true));
                i = close + 1;
            }
            else
            {
                var valueStart = i;
                while (i < line.Length && line[i] != ',' && line[i] != '"')
                {
                    i++;
                }
                attributes.Add(new HlsAttribute(name, valueStart, i - valueStart, Quoted: false));
            }

            if (i == line.Length)
            {
                return true;
            }
            if (line[i] != ',')
            {
                return false;
            }
            i++;
            // Not in the grammar, but packagers write "A=1, B=2" and players accept it.
            while (i < line.Length && line[i] == ' ')
            {
                i++;
            }
        }
    }

    private static bool IsNameChar(char c) => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-';
}
