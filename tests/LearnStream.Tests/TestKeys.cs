using System.Security.Cryptography;
using LearnStream.Api.Common;
using LearnStream.Api.Features.Auth;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LearnStream.Tests;

/// <summary>Fresh keys and key rings for the token tests.</summary>
internal static class TestKeys
{
    public static string NewP256Pem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    }

    public static JwtOptions Options(params (string Id, string Pem)[] keys) => new()
    {
        SigningKeys = [.. keys.Select(k => new SigningKeyOptions { Id = k.Id, PrivateKey = k.Pem })],
    };

    public static SigningKeyRing Ring(JwtOptions options) =>
        // With keys configured the ring never touches the data directory; it need not exist.
        new(Microsoft.Extensions.Options.Options.Create(options),
            new DataDirectory(Path.Combine(Path.GetTempPath(), "learnstream-tests-" + Guid.NewGuid().ToString("N"))),
            NullLogger<SigningKeyRing>.Instance);

    public static SigningKeyRing Ring(params (string Id, string Pem)[] keys) => Ring(Options(keys));

    public static IOptions<JwtOptions> Wrap(JwtOptions options) => Microsoft.Extensions.Options.Options.Create(options);
}
