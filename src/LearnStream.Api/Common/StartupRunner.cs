using LearnStream.Api.Data;
using LearnStream.Api.Features.Catalog;
using LearnStream.Api.Features.Users;
using Microsoft.Extensions.Options;

namespace LearnStream.Api.Common;

public static class StartupRunner
{
    /// <summary>
    /// Validates every option, prepares the stores and serves. A configuration error ends the
    /// process with one line that names the key, instead of a stack trace. With the <c>seed-demo</c>
    /// argument it seeds the demo catalog on the prepared stores and exits instead of serving.
    /// </summary>
    public static async Task<int> RunLearnStreamAsync(this WebApplication app)
    {
        try
        {
            app.Services.GetRequiredService<IStartupValidator>().Validate();
            // Resolving the video provider loads its keys, so a missing one stops the start here, named.
            app.Services.GetRequiredService<Features.Video.IVideoProvider>();
            await app.Services.InitializeRelationalStoreAsync();
            await app.Services.InitializeContentStoreAsync();
            await app.Services.BootstrapAdminAsync();
            // CreateBuilder ignores arguments that are not key=value, so the command is read here.
            if (DemoSeeder.IsRequested(Environment.GetCommandLineArgs()))
            {
                return await app.Services.SeedDemoAsync(Console.Out, CancellationToken.None);
            }
            app.Lifetime.ApplicationStarted.Register(() => PrintBanner(app));
            await app.RunAsync();
            return 0;
        }
        catch (OptionsValidationException e)
        {
            return await ReportAsync(e.Failures);
        }
        catch (AggregateException e) when (e.InnerExceptions.All(x => x is OptionsValidationException))
        {
            // Several option types failed at once: name every key, still on one line.
            return await ReportAsync(e.InnerExceptions.Cast<OptionsValidationException>().SelectMany(x => x.Failures));
        }
        catch (ConfigurationException e)
        {
            return await ReportAsync([e.Message]);
        }
    }

    private static async Task<int> ReportAsync(IEnumerable<string> failures)
    {
        await Console.Error.WriteLineAsync($"learnstream: configuration error: {string.Join(" ", failures)}");
        return 1;
    }

    private static void PrintBanner(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("LearnStream");
        var data = app.Services.GetRequiredService<DataDirectory>();
        var database = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        foreach (var url in app.Urls)
        {
            logger.LogInformation("LearnStream listens on {Url} (API reference at {Url}/docs)", url, url);
        }
        logger.LogInformation("Database: {Provider}; data directory: {DataDirectory}", database.Provider, data.Path);
        logger.LogInformation(
            "Log in: POST /api/v1/auth/register with name, email and password, then POST /api/v1/auth/login; " +
            "set Bootstrap__AdminEmail and Bootstrap__AdminPassword to create the first admin.");
    }
}

/// <summary>A setting that is missing or invalid; the message names the key.</summary>
public sealed class ConfigurationException(string message) : Exception(message);
