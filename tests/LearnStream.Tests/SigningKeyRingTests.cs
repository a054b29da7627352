using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using LearnStream.Api.Common;
using LearnStream.Api.Features.Auth;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LearnStream.Tests;

public class SigningKeyRingTests
{
    [Fact]
    public void TryLoad_accepts_a_pkcs8_pem_of_a_p256_key()
    {
        using var original = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        Assert.True(SigningKeyRing.TryLoad(original.ExportPkcs8PrivateKeyPem(), out var loaded));

        using var key = loaded;
        Assert.NotNull(key);
        Assert.Equal(original.ExportSubjectPublicKeyInfo(), key.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public void TryLoad_accepts_base64_of_the_pem_as_used_in_environment_variables()
    {
        using var original = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(original.ExportPkcs8PrivateKeyPem()));

        Assert.True(SigningKeyRing.TryLoad("  " + base64 + "\n", out var loaded));

        using var key = loaded;
        Assert.Equal(original.ExportSubjectPublicKeyInfo(), key!.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public void TryLoad_accepts_a_sec1_pem_and_leading_whitespace()
    {
        using var original = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        Assert.True(SigningKeyRing.TryLoad("\n  " + original.ExportECPrivateKeyPem(), out var loaded));
        loaded?.Dispose();
    }

    [Fact]
    public void TryLoad_refuses_a_p384_key()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        Assert.False(SigningKeyRing.TryLoad(p384.ExportPkcs8PrivateKeyPem(), out var key));
        Assert.Null(key);
    }

    [Fact]
    public void TryLoad_refuses_an_rsa_key()
    {
        using var rsa = RSA.Create(2048);

        Assert.False(SigningKeyRing.TryLoad(rsa.ExportPkcs8PrivateKeyPem(), out var key));
        Assert.Null(key);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a key")]
    [InlineData("bm90IGEgcGVt")] // base64 of "not a pem"
    [InlineData("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----")]
    public void TryLoad_refuses_garbage(string text)
    {
        Assert.False(SigningKeyRing.TryLoad(text, out var key));
        Assert.Null(key);
    }

    [Fact]
    public void TryLoad_refuses_a_public_key_because_a_signing_key_must_be_private()
    {
        // JwtOptionsValidator relies on TryLoad to reject anything that is "not a P-256 private key".
        using var original = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        Assert.False(SigningKeyRing.TryLoad(original.ExportSubjectPublicKeyInfoPem(), out var key));
        key?.Dispose();
    }

    [Fact]
    public void Signs_with_the_active_key_and_publishes_every_public_key()
    {
        var options = TestKeys.Options(("k1", TestKeys.NewP256Pem()), ("k2", TestKeys.NewP256Pem()));
        options.ActiveKeyId = "k2";

        var ring = TestKeys.Ring(options);

        Assert.Equal("k2", ring.SigningCredentials.Key.KeyId);
        Assert.Equal("ES256", ring.SigningCredentials.Algorithm);
        Assert.Equal(["k1", "k2"], ring.Jwks.Keys.Select(k => k.Kid).Order());
        Assert.All(ring.Jwks.Keys, jwk =>
        {
            Assert.Equal(("EC", "P-256", "sig", "ES256"), (jwk.Kty, jwk.Crv, jwk.Use, jwk.Alg));
            Assert.Equal(32, Base64Url.DecodeFromChars(jwk.X).Length);
            Assert.Equal(32, Base64Url.DecodeFromChars(jwk.Y).Length);
        });
    }

    [Fact]
    public void Signs_with_the_first_key_when_none_is_marked_active()
    {
        var ring = TestKeys.Ring(("k1", TestKeys.NewP256Pem()), ("k2", TestKeys.NewP256Pem()));

        Assert.Equal("k1", ring.SigningCredentials.Key.KeyId);
    }

    [Fact]
    public void Find_looks_keys_up_by_exact_kid_only()
    {
        var ring = TestKeys.Ring(("k1", TestKeys.NewP256Pem()));

        Assert.Equal("k1", ring.Find("k1")?.KeyId);
        Assert.Null(ring.Find("K1"));
        Assert.Null(ring.Find(""));
        Assert.Null(ring.Find(null));
    }

    [Fact]
    public void Without_configured_keys_a_development_key_is_generated_once_and_then_reused()
    {
        var directory = Path.Combine(Path.GetTempPath(), "learnstream-tests-" + Guid.NewGuid().ToString("N"));
        try
        {
            var data = new DataDirectory(directory);
            var options = Options.Create(new JwtOptions());

            var first = new SigningKeyRing(options, data, NullLogger<SigningKeyRing>.Instance);
            var second = new SigningKeyRing(options, data, NullLogger<SigningKeyRing>.Instance);

            var kid = Assert.Single(first.Jwks.Keys).Kid;
            Assert.StartsWith("dev-", kid, StringComparison.Ordinal);
            Assert.Equal(kid, Assert.Single(second.Jwks.Keys).Kid);
            Assert.Equal(first.Jwks.Keys[0].X, second.Jwks.Keys[0].X);
            Assert.True(File.Exists(Path.Combine(directory, "keys", "jwt-es256.pem")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
