namespace LearnStream.Api.Features.Auth;

/// <summary>
/// NIST SP 800-63B rules: long enough, any Unicode, never truncated, and not one of the passwords
/// attackers try first (the top 10,000 of a public breach corpus, shipped in this assembly).
/// </summary>
public sealed class PasswordPolicy
{
    public const int MinLength = 8;
    public const int MaxLength = 256;

    private readonly HashSet<string> _common;

    public PasswordPolicy(IEnumerable<string> commonPasswords) =>
        _common = new HashSet<string>(commonPasswords, StringComparer.OrdinalIgnoreCase);

    public int CommonPasswordCount => _common.Count;

    /// <summary>Returns why the password is refused, or null when it is acceptable.</summary>
    public string? Check(string password)
    {
        // Length in characters as people count them (code points), not UTF-16 units.
        var length = password.EnumerateRunes().Count();
        if (length < MinLength)
        {
            return $"Use at least {MinLength} characters.";
        }
        if (length > MaxLength)
        {
            return $"Use at most {MaxLength} characters.";
        }
        if (string.IsNullOrWhiteSpace(password))
        {
            return "A password cannot be only spaces.";
        }
        if (_common.Contains(password))
        {
            return "This password is among the most common ones; choose another.";
        }
        return null;
    }

    public static PasswordPolicy FromEmbeddedList()
    {
        using var stream = typeof(PasswordPolicy).Assembly.GetManifestResourceStream("common-passwords.txt")
            ?? throw new InvalidOperationException("The common password list is not embedded.");
        using var reader = new StreamReader(stream);
        var words = new List<string>(10_000);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                words.Add(line);
            }
        }
        return new PasswordPolicy(words);
    }
}
