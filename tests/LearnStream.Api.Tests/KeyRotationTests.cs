using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using LearnStream.Api.Tests.Infrastructure;

namespace LearnStream.Api.Tests;

/// <summary>Signing keys rotate without logging anyone out: add the new key everywhere, then make it active.</summary>
public sealed class KeyRotationTests
{
    private static string NewKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    }

    [Fact]
    public async Task Tokens_of_the_old_key_stay_valid_on_nodes_that_sign_with_the_new_one()
    {
        var oldKey = NewKey();
        var newKey = NewKey();
        await using var fixture = new SqliteFixture();
        fixture.Overrides["Jwt:SigningKeys:0:Id"] = "2026-old";
        fixture.Overrides["Jwt:SigningKeys:0:PrivateKey"] = oldKey;
        await fixture.InitializeAsync();
        var oldNode = fixture.App.CreateClient();
        var user = await oldNode.NewUserAsync();
        Assert.Equal("2026-old", TokenForge.Kid(user.Tokens.AccessToken));

        var newNode = fixture.StartNode(new Dictionary<string, string?>
        {
            ["Jwt:SigningKeys:1:Id"] = "2026-new",
            ["Jwt:SigningKeys:1:PrivateKey"] = newKey,
            ["Jwt:ActiveKeyId"] = "2026-new",
        }).CreateClient();
        var fresh = await newNode.LoginOkAsync(user.Email);

        Assert.Equal("2026-new", TokenForge.Kid(fresh.AccessToken));
        Assert.Equal(HttpStatusCode.OK, await newNode.GetMeStatusAsync(user.Tokens.AccessToken));
        Assert.Equal(HttpStatusCode.OK, await newNode.GetMeStatusAsync(fresh.AccessToken));
        // A node that has not been given the new key yet cannot verify it: hence "add everywhere first".
        Assert.Equal(HttpStatusCode.Unauthorized, await oldNode.GetMeStatusAsync(fresh.AccessToken));

        using var jwks = await newNode.GetAsync("/.well-known/jwks.json");
        var kids = (await jwks.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("keys").EnumerateArray()
            .Select(k => k.GetProperty("kid").GetString()).ToHashSet();
        Assert.Equal(["2026-old", "2026-new"], kids);
    }
}
