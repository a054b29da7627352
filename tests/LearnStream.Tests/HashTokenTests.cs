using LearnStream.Api.Features.Auth;

namespace LearnStream.Tests;

public class HashTokenTests
{
    [Fact]
    public void HashToken_is_sha256_of_the_text()
    {
        // FIPS 180-2 test vector: SHA-256("abc").
        Assert.Equal(
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            Convert.ToHexStringLower(SessionService.HashToken("abc")));
    }

    [Fact]
    public void HashToken_encodes_the_text_as_utf8()
    {
        // "é" is C3 A9 in UTF-8 but E9 00 in UTF-16 and E9 in Latin-1: only the UTF-8 bytes match.
        var expected = System.Security.Cryptography.SHA256.HashData([0xC3, 0xA9]);

        Assert.Equal(expected, SessionService.HashToken("\u00e9"));
    }

    [Fact]
    public void HashToken_is_32_bytes_and_the_same_for_the_same_token()
    {
        const string token = "q8V3nS0r-Hk2yWcZp5Lx_0aT7mJbE1dU9fGiRoY4vNs";

        var first = SessionService.HashToken(token);

        Assert.Equal(32, first.Length);
        Assert.Equal(first, SessionService.HashToken(token));
    }

    [Fact]
    public void HashToken_differs_for_tokens_differing_in_one_character()
    {
        Assert.NotEqual(
            SessionService.HashToken("q8V3nS0r-Hk2yWcZp5Lx_0aT7mJbE1dU9fGiRoY4vNs"),
            SessionService.HashToken("q8V3nS0r-Hk2yWcZp5Lx_0aT7mJbE1dU9fGiRoY4vNt"));
    }
}
