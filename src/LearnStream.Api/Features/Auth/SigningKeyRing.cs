using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using LearnStream.Api.Common;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace LearnStream.Api.Features.Auth;

/// <summary>
/// The ES256 keys that sign and verify access tokens. Outside Production, when none are configured,
/// one is generated on first start and kept under DataDirectory so tokens survive restarts.
/// </summary>
public sealed class SigningKeyRing
{
    private readonly Dictionary<string, ECDsaSecurityKey> _keys;

    public SigningKeyRing(IOptions<JwtOptions> options, DataDirectory data, ILogger<SigningKeyRing> logger)
    {
        var configured = options.Value.SigningKeys;
        _keys = configured.Count > 0
            ? configured.ToDictionary(k => k.Id, k => CreateKey(k.Id, Load(k.PrivateKey)), StringComparer.Ordinal)
            : LoadDevelopmentKey(data, logger);
        var activeId = options.Value.ActiveKeyId ?? _keys.Keys.First();
        SigningCredentials = new SigningCredentials(_keys[activeId], SecurityAlgorithms.EcdsaSha256);
        Jwks = new JwksDocument([.. _keys.Values.Select(ToJwk)]);
    }

    public SigningCredentials SigningCredentials { get; }

    public JwksDocument Jwks { get; }

    public IEnumerable<SecurityKey> VerificationKeys => _keys.Values;

    /// <summary>Looks a key up by <c>kid</c> only: headers such as jku, x5u or jwk are never followed.</summary>
    public SecurityKey? Find(string? kid) => kid is not null && _keys.TryGetValue(kid, out var key) ? key : null;

    public static bool TryLoad(string text, out ECDsa? key)
    {
        key = null;
        try
        {
            key = Load(text);
            return true;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or FormatException)
        {
            return false;
        }
    }

    private static ECDsa Load(string text)
    {
        var pem = text.TrimStart().StartsWith("-----BEGIN", StringComparison.Ordinal)
            ? text
            : Encoding.UTF8.GetString(Convert.FromBase64String(text.Trim()));
        var key = ECDsa.Create();
        key.ImportFromPem(pem);
        // A public key would import too, and only fail at the first login: demand the private part now.
        var parameters = key.ExportParameters(includePrivateParameters: true);
        if (parameters.Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
        {
            throw new ArgumentException("ES256 needs a P-256 key.");
        }
        return key;
    }

    private static Dictionary<string, ECDsaSecurityKey> LoadDevelopmentKey(DataDirectory data, ILogger logger)
    {
        var path = Path.Combine(data.EnsureSubdirectory("keys"), "jwt-es256.pem");
        ECDsa key;
        if (File.Exists(path))
        {
            key = Load(File.ReadAllText(path));
        }
        else
        {
            key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            File.WriteAllText(path, key.ExportPkcs8PrivateKeyPem());
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            logger.LogInformation("Generated a development signing key in {Path}", path);
        }
        var kid = "dev-" + Base64Url.EncodeToString(SHA256.HashData(key.ExportSubjectPublicKeyInfo()).AsSpan(0, 9));
        return new Dictionary<string, ECDsaSecurityKey>(StringComparer.Ordinal) { [kid] = CreateKey(kid, key) };
    }

    private static ECDsaSecurityKey CreateKey(string kid, ECDsa key) => new(key) { KeyId = kid };

    private static PublicJwk ToJwk(ECDsaSecurityKey key)
    {
        var q = key.ECDsa.ExportParameters(includePrivateParameters: false).Q;
        return new PublicJwk("EC", "P-256", Base64Url.EncodeToString(q.X), Base64Url.EncodeToString(q.Y), key.KeyId, "sig", SecurityAlgorithms.EcdsaSha256);
    }
}

/// <summary>RFC 7517 key set of public keys only.</summary>
public sealed record JwksDocument(IReadOnlyList<PublicJwk> Keys);

public sealed record PublicJwk(string Kty, string Crv, string X, string Y, string Kid, string Use, string Alg);
