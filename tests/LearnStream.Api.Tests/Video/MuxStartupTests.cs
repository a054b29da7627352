using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace LearnStream.Api.Tests.Video.WithMux;

/// <summary>Starts the real executable with <c>Video:Provider=mux</c> and a Mux setting missing: it must stop with one line naming the key.</summary>
public sealed class MuxStartupTests
{
    private static async Task<(int ExitCode, string StdErr)> RunAsync(string environmentName, Dictionary<string, string> environment)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("learnstream-startup-").FullName;
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "LearnStream.Api.dll"), "--urls", "http://127.0.0.1:0"])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = environmentName;
        start.Environment["DataDirectory"] = dataDirectory;
        start.Environment["Video__Provider"] = "mux";
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

    private static Dictionary<string, string> ProductionBasics()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new()
        {
            ["Jwt__SigningKeys__0__Id"] = "k1",
            ["Jwt__SigningKeys__0__PrivateKey"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(key.ExportPkcs8PrivateKeyPem())),
        };
    }

    [Fact]
    public async Task Production_without_mux_settings_stops_with_one_line_naming_each_key()
    {
        var (exitCode, stderr) = await RunAsync("Production", ProductionBasics());

        Assert.NotEqual(0, exitCode);
        Assert.Single(stderr.Split('\n'));
        foreach (var key in new[] { "Mux:TokenId", "Mux:TokenSecret", "Mux:WebhookSecret", "Mux:SigningKeyId", "Mux:SigningKeyPrivate" })
        {
            Assert.Contains(key, stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Production_with_a_signing_key_that_is_not_an_rsa_key_stops_naming_it()
    {
        var settings = ProductionBasics();
        settings["Mux__TokenId"] = "id";
        settings["Mux__TokenSecret"] = "secret";
        settings["Mux__WebhookSecret"] = "whsec";
        settings["Mux__SigningKeyId"] = "kid";
        settings["Mux__SigningKeyPrivate"] = Convert.ToBase64String(Encoding.UTF8.GetBytes("not a pem"));

        var (exitCode, stderr) = await RunAsync("Production", settings);

        Assert.NotEqual(0, exitCode);
        Assert.Single(stderr.Split('\n'));
        Assert.Contains("Mux:SigningKeyPrivate", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outside_production_a_missing_signing_key_still_stops_the_start_naming_it()
    {
        // Credentials are only demanded in Production, but playback cannot work without the key, and the
        // start resolves the provider, which loads it.
        var (exitCode, stderr) = await RunAsync("Development", []);

        Assert.NotEqual(0, exitCode);
        Assert.Single(stderr.Split('\n'));
        Assert.Contains("Mux:SigningKeyId", stderr, StringComparison.Ordinal);
    }
}
