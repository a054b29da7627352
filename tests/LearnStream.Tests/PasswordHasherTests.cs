using LearnStream.Api.Features.Auth;

namespace LearnStream.Tests;

public class PasswordHasherTests
{
    // Far below the production floor so the suite stays fast; the format and logic do not depend on it.
    private const int FastIterations = 1_000;
    private const string Password = "correct horse battery staple";

    private readonly PasswordHasher _hasher = new(FastIterations);

    [Fact]
    public void Hash_names_the_scheme_and_its_iterations_with_a_16_byte_salt_and_a_64_byte_hash()
    {
        var parts = _hasher.Hash(Password).Split('$');

        Assert.Equal(5, parts.Length);
        Assert.Equal("", parts[0]);
        Assert.Equal("pbkdf2-sha512", parts[1]);
        Assert.Equal("i=1000", parts[2]);
        Assert.Equal(16, Convert.FromBase64String(parts[3]).Length);
        Assert.Equal(64, Convert.FromBase64String(parts[4]).Length);
    }

    [Fact]
    public void Hash_of_the_same_password_differs_each_time_because_the_salt_is_random()
    {
        var first = _hasher.Hash(Password).Split('$');
        var second = _hasher.Hash(Password).Split('$');

        Assert.NotEqual(first[3], second[3]);
        Assert.NotEqual(first[4], second[4]);
    }

    [Fact]
    public void Verify_succeeds_for_the_right_password()
    {
        Assert.Equal(PasswordVerification.Succeeded, _hasher.Verify(_hasher.Hash(Password), Password));
    }

    [Theory]
    [InlineData("correct horse battery stapl")]
    [InlineData("Correct horse battery staple")]
    [InlineData("correct horse battery staple ")]
    [InlineData("")]
    public void Verify_fails_for_a_wrong_password(string attempt)
    {
        Assert.Equal(PasswordVerification.Failed, _hasher.Verify(_hasher.Hash(Password), attempt));
    }

    [Fact]
    public void Verify_reports_rehash_when_stored_iterations_are_below_the_configured_cost()
    {
        var stored = new PasswordHasher(FastIterations).Hash(Password);

        var stronger = new PasswordHasher(FastIterations * 2);

        Assert.Equal(PasswordVerification.SucceededNeedsRehash, stronger.Verify(stored, Password));
        Assert.Equal(PasswordVerification.Failed, stronger.Verify(stored, "wrong password"));
    }

    [Fact]
    public void Verify_uses_the_stored_iterations_and_does_not_ask_to_downgrade_a_stronger_hash()
    {
        var stored = new PasswordHasher(FastIterations * 2).Hash(Password);

        Assert.Equal(PasswordVerification.Succeeded, _hasher.Verify(stored, Password));
    }

    [Fact]
    public void Verify_at_the_production_minimum_round_trips()
    {
        var hasher = new PasswordHasher(PasswordHasher.MinimumIterations);
        var stored = hasher.Hash(Password);

        Assert.StartsWith("$pbkdf2-sha512$i=210000$", stored, StringComparison.Ordinal);
        Assert.Equal(PasswordVerification.Succeeded, hasher.Verify(stored, Password));
    }

    // {salt} and {hash} are replaced by the parts of a real hash of Password; {short} by that hash
    // without its last byte. The first row is the control: the template itself verifies.
    [Theory]
    [InlineData("$pbkdf2-sha512$i=1000${salt}${hash}", PasswordVerification.Succeeded)]
    [InlineData("$pbkdf2-sha256$i=1000${salt}${hash}", PasswordVerification.Failed)]
    [InlineData("$PBKDF2-SHA512$i=1000${salt}${hash}", PasswordVerification.Failed)]
    [InlineData("pbkdf2-sha512$i=1000${salt}${hash}", PasswordVerification.Failed)]
    [InlineData("$pbkdf2-sha512${salt}${hash}", PasswordVerification.Failed)]
    [InlineData("$pbkdf2-sha512$i=1000${salt}", PasswordVerification.Failed)]
    [InlineData("$pbkdf2-sha512$i=1000${salt}${hash}$", PasswordVerification.Failed)]
    [InlineData("$pbkdf2-sha512$iterations=1000${salt}${hash}", PasswordVerification.Failed)]
    [InlineData("$pbkdf2-sha512$i=${salt}${hash}", PasswordVerification.Failed)]
    [InlineData("$pbkdf2-sha512$i=abc${salt}${hash}", PasswordVerification.Failed)]
    [InlineData("$pbkdf2-sha512$i=-1000${salt}${hash}", PasswordVerification.Failed)]
    [InlineData("$pbkdf2-sha512$i=+1000${salt}${hash}", PasswordVerification.Failed)]
    [InlineData("$pbkdf2-sha512$i=0${salt}${hash}", PasswordVerification.Failed)]
    [InlineData("$pbkdf2-sha512$i=99999999999${salt}${hash}", PasswordVerification.Failed)]
    [InlineData("$pbkdf2-sha512$i=1000$!!not base64!!${hash}", PasswordVerification.Failed)]
    [InlineData("$pbkdf2-sha512$i=1000${salt}$%%%%", PasswordVerification.Failed)]
    [InlineData("$pbkdf2-sha512$i=1000${salt}${short}", PasswordVerification.Failed)]
    [InlineData("$pbkdf2-sha512$i=1000$${hash}", PasswordVerification.Failed)]
    [InlineData("", PasswordVerification.Failed)]
    [InlineData("$", PasswordVerification.Failed)]
    [InlineData("plain text password", PasswordVerification.Failed)]
    public void Verify_returns_failed_for_a_malformed_stored_hash_without_throwing(string template, PasswordVerification expected)
    {
        var parts = _hasher.Hash(Password).Split('$');
        var shortHash = Convert.ToBase64String(Convert.FromBase64String(parts[4])[..^1]);
        var stored = template.Replace("{salt}", parts[3], StringComparison.Ordinal)
            .Replace("{hash}", parts[4], StringComparison.Ordinal)
            .Replace("{short}", shortHash, StringComparison.Ordinal);

        Assert.Equal(expected, _hasher.Verify(stored, Password));
    }

    [Fact]
    public void Verify_does_not_truncate_long_passwords()
    {
        var password = new string('a', 200);
        var stored = _hasher.Hash(password);
        var differsAt190 = string.Concat(password.AsSpan(0, 190), "b", password.AsSpan(191));

        Assert.Equal(PasswordVerification.Succeeded, _hasher.Verify(stored, password));
        Assert.Equal(PasswordVerification.Failed, _hasher.Verify(stored, differsAt190));
        Assert.Equal(PasswordVerification.Failed, _hasher.Verify(stored, password[..128]));
    }

    [Fact]
    public void Verify_matches_a_composed_accent_against_a_decomposed_one()
    {
        const string composed = "caf\u00e9 au lait!";
        const string decomposed = "cafe\u0301 au lait!";

        Assert.Equal(PasswordVerification.Succeeded, _hasher.Verify(_hasher.Hash(composed), decomposed));
        Assert.Equal(PasswordVerification.Succeeded, _hasher.Verify(_hasher.Hash(decomposed), composed));
    }

    [Fact]
    public void Verify_matches_full_width_letters_against_their_ascii_form_because_of_nfkc()
    {
        const string fullWidth = "\uFF30\uFF41\uFF53\uFF53\uFF57\uFF4F\uFF52\uFF44\uFF11\uFF12";

        Assert.Equal(PasswordVerification.Succeeded, _hasher.Verify(_hasher.Hash(fullWidth), "Password12"));
    }

    [Fact]
    public void Verify_still_tells_apart_accented_and_unaccented_letters()
    {
        Assert.Equal(PasswordVerification.Failed, _hasher.Verify(_hasher.Hash("caf\u00e9 au lait!"), "cafe au lait!"));
    }
}
