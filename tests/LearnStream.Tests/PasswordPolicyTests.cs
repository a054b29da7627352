using System.Text;
using LearnStream.Api.Features.Auth;

namespace LearnStream.Tests;

public class PasswordPolicyTests
{
    private const string Emoji = "\U0001F600"; // one code point, two UTF-16 units

    private static readonly PasswordPolicy Policy = PasswordPolicy.FromEmbeddedList();

    [Fact]
    public void Embedded_list_holds_nearly_ten_thousand_distinct_passwords()
    {
        // 10,000 lines; a few collapse into one another under case-insensitive comparison.
        Assert.InRange(Policy.CommonPasswordCount, 9_001, 10_000);
    }

    [Theory]
    [InlineData("password1")]
    [InlineData("PASSWORD1")]
    [InlineData("Password1")]
    [InlineData("12345678")]
    [InlineData("qwertyuiop")]
    public void Check_refuses_a_common_password_whatever_its_case(string password)
    {
        Assert.Contains("common", Policy.Check(password), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_refuses_passwords_from_a_supplied_list_case_insensitively()
    {
        var policy = new PasswordPolicy(["Tr0ub4dor&3x"]);

        Assert.NotNull(policy.Check("tr0ub4dor&3X"));
        Assert.Null(policy.Check("tr0ub4dor&3Y"));
        Assert.Equal(1, policy.CommonPasswordCount);
    }

    [Fact]
    public void Check_refuses_seven_code_points_and_accepts_eight()
    {
        Assert.Contains("at least 8", Policy.Check("Zq8#vLx"), StringComparison.Ordinal);
        Assert.Null(Policy.Check("Zq8#vLxw"));
    }

    [Fact]
    public void Check_counts_code_points_not_utf16_units()
    {
        var eight = string.Concat(Enumerable.Repeat(Emoji, 8));
        var four = string.Concat(Enumerable.Repeat(Emoji, 4));

        Assert.Equal(16, eight.Length);
        Assert.Null(Policy.Check(eight));
        Assert.Equal(8, four.Length);
        Assert.NotNull(Policy.Check(four));
    }

    [Fact]
    public void Check_accepts_256_code_points_and_refuses_257()
    {
        Assert.Null(Policy.Check(Unusual(256)));
        Assert.Contains("at most 256", Policy.Check(Unusual(257)), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_applies_the_maximum_to_code_points_so_256_emoji_are_accepted()
    {
        var emoji = string.Concat(Enumerable.Repeat(Emoji, 256));

        Assert.Equal(512, emoji.Length);
        Assert.Null(Policy.Check(emoji));
        Assert.NotNull(Policy.Check(emoji + Emoji));
    }

    [Theory]
    [InlineData("        ")]
    [InlineData("\t\t\t\t\t\t\t\t\t")]
    [InlineData("          \n")]
    public void Check_refuses_a_password_of_only_whitespace(string password)
    {
        Assert.Contains("spaces", Policy.Check(password), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_accepts_spaces_inside_a_passphrase()
    {
        Assert.Null(Policy.Check("  purple monkey dishwasher  "));
    }

    private static string Unusual(int length)
    {
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            builder.Append((char)('a' + (i * 7 % 26)));
        }
        return builder.ToString();
    }
}
