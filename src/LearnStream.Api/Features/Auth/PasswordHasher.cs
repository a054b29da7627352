using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace LearnStream.Api.Features.Auth;

public enum PasswordVerification
{
    Failed,
    Succeeded,
    SucceededNeedsRehash,
}

/// <summary>
/// PBKDF2-SHA512 in a self-describing format, <c>$pbkdf2-sha512$i=ITERATIONS$SALT$HASH</c>, so the
/// cost can be raised later and old hashes upgraded at the next successful login.
/// </summary>
public sealed class PasswordHasher(int iterations)
{
    public const int MinimumIterations = 210_000;
    private const string Scheme = "pbkdf2-sha512";
    private const int SaltBytes = 16;
    private const int HashBytes = 64;

    public int Iterations { get; } = iterations;

    public string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(password, salt, Iterations);
        return $"${Scheme}$i={Iterations.ToString(CultureInfo.InvariantCulture)}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public PasswordVerification Verify(string storedHash, string password)
    {
        if (!TryParse(storedHash, out var iterations, out var salt, out var expected))
        {
            return PasswordVerification.Failed;
        }
        var actual = Derive(password, salt, iterations);
        if (!CryptographicOperations.FixedTimeEquals(actual, expected))
        {
            return PasswordVerification.Failed;
        }
        return iterations < Iterations ? PasswordVerification.SucceededNeedsRehash : PasswordVerification.Succeeded;
    }

    // NFKC makes the same password typed on different keyboards (composed or decomposed accents) match.
    private static byte[] Derive(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(
            Encoding.UTF8.GetBytes(password.Normalize(NormalizationForm.FormKC)),
            salt,
            iterations,
            HashAlgorithmName.SHA512,
            HashBytes);

    private static bool TryParse(string stored, out int iterations, out byte[] salt, out byte[] hash)
    {
        iterations = 0;
        salt = hash = [];
        var parts = stored.Split('$');
        if (parts is not ["", Scheme, var cost, var saltText, var hashText] || !cost.StartsWith("i=", StringComparison.Ordinal))
        {
            return false;
        }
        if (!int.TryParse(cost.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out iterations) || iterations < 1)
        {
            return false;
        }
        try
        {
            salt = Convert.FromBase64String(saltText);
            hash = Convert.FromBase64String(hashText);
        }
        catch (FormatException)
        {
            return false;
        }
        return hash.Length == HashBytes;
    }
}
