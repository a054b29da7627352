using System.Diagnostics;

namespace LearnStream.Api.Tests;

/// <summary>Starts the real executable in Production with a setting missing: it must stop with one line naming the key.</summary>
public sealed class StartupTests
{
    private static async Task<(int ExitCode, string StdErr)> RunProductionAsync(Dictionary<string, string> environment)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("learnstream-startup-").FullName;
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "LearnStream.Api.dll"), "--urls", "http://127.0.0.1:0"])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DataDirectory"] = dataDirectory;
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The service kept running instead of refusing its configuration; stdout: " + await stdout);
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        return (process.ExitCode, (await stderr).Trim());
    }

    [Fact]
    public async Task Production_without_a_signing_key_stops_naming_the_key()
    {
        var (exitCode, stderr) = await RunProductionAsync([]);

        Assert.NotEqual(0, exitCode);
        Assert.Single(stderr.Split('\n'));
        Assert.Contains("Jwt:SigningKeys", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Postgres_without_a_connection_string_stops_naming_the_key()
    {
        var (exitCode, stderr) = await RunProductionAsync(new() { ["Database__Provider"] = "postgres" });

        Assert.NotEqual(0, exitCode);
        Assert.Single(stderr.Split('\n'));
        Assert.Contains("ConnectionStrings:Database", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bootstrap_email_without_a_password_stops_naming_the_key()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var (exitCode, stderr) = await RunProductionAsync(new()
        {
            ["Jwt__SigningKeys__0__Id"] = "k1",
            ["Jwt__SigningKeys__0__PrivateKey"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(key.ExportPkcs8PrivateKeyPem())),
            ["Bootstrap__AdminEmail"] = "root@example.test",
            // Production refuses the manual payment provider, so a complete configuration names Stripe.
            ["Payments__Provider"] = "stripe",
            ["Stripe__SecretKey"] = "sk_test_startup",
            ["Stripe__WebhookSecret"] = "whsec_test_startup",
            // And the self-hosted video provider needs its media token key there.
            ["Video__Local__TokenKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        });

        Assert.NotEqual(0, exitCode);
        Assert.Single(stderr.Split('\n'));
        Assert.Contains("Bootstrap:AdminPassword", stderr, StringComparison.Ordinal);
    }
}
