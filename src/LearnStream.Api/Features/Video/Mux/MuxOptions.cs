using Microsoft.Extensions.Options;

namespace LearnStream.Api.Features.Video.Mux;

/// <summary>Credentials and endpoints for Mux Video, bound from the "Mux" configuration section.</summary>
public sealed class MuxOptions
{
    public const string Section = "Mux";

    /// <summary>Access token id: the user name of the API's HTTP Basic auth.</summary>
    public string TokenId { get; set; } = "";

    /// <summary>Access token secret: the password of the API's HTTP Basic auth.</summary>
    public string TokenSecret { get; set; } = "";

    /// <summary>The signing secret of our webhook endpoint, as shown in Mux's webhook settings.</summary>
    public string WebhookSecret { get; set; } = "";

    /// <summary>Id of the URL signing key; it becomes the <c>kid</c> of playback tokens.</summary>
    public string SigningKeyId { get; set; } = "";

    /// <summary>The signing key's <c>private_key</c> exactly as Mux returns it: base64 of an RSA PEM.</summary>
    public string SigningKeyPrivate { get; set; } = "";

    public Uri ApiBaseUrl { get; set; } = new("https://api.mux.com");

    /// <summary>
    /// The browser origin allowed to PUT to direct-upload URLs when the request that made the upload sent no
    /// Origin header (a script, say). Unset: this service's own origin.
    /// </summary>
    public string? CorsOrigin { get; set; }

    /// <summary>Budget for one call to Mux, retries and their waits included.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Fails start-up on settings that would only fail at the first upload or playback. Credentials are demanded
/// in Production only, so development machines without a Mux account still start.
/// </summary>
public sealed class MuxOptionsValidator(IHostEnvironment? environment = null) : IValidateOptions<MuxOptions>
{
    public ValidateOptionsResult Validate(string? name, MuxOptions options)
    {
        var failures = new List<string>();
        if (!options.ApiBaseUrl.IsAbsoluteUri || options.ApiBaseUrl.Scheme is not ("https" or "http"))
        {
            failures.Add("Mux:ApiBaseUrl must be an absolute http(s) URL.");
        }
        if (!string.IsNullOrEmpty(options.CorsOrigin) && !IsOrigin(options.CorsOrigin))
        {
            failures.Add("Mux:CorsOrigin must be an origin such as https://learn.example (scheme and host, no path).");
        }
        if (options.RequestTimeout <= TimeSpan.Zero || options.RequestTimeout > TimeSpan.FromMinutes(5))
        {
            failures.Add("Mux:RequestTimeout must be more than zero and at most 5 minutes.");
        }
        if (environment?.IsProduction() == true)
        {
            Require(options.TokenId, "Mux:TokenId", failures);
            Require(options.TokenSecret, "Mux:TokenSecret", failures);
            Require(options.WebhookSecret, "Mux:WebhookSecret", failures);
            Require(options.SigningKeyId, "Mux:SigningKeyId", failures);
            Require(options.SigningKeyPrivate, "Mux:SigningKeyPrivate", failures);
            if (options.ApiBaseUrl.Scheme != Uri.UriSchemeHttps)
            {
                failures.Add("Mux:ApiBaseUrl must use https in Production: the API uses HTTP Basic auth.");
            }
        }
        if (options.SigningKeyPrivate.Length > 0 && MuxPlaybackSigner.DescribeKeyProblem(options.SigningKeyPrivate) is { } problem)
        {
            failures.Add(problem);
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsOrigin(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"
        && uri.GetLeftPart(UriPartial.Authority) == value.TrimEnd('/') && uri.PathAndQuery == "/";

    private static void Require(string value, string key, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"{key} is required in Production.");
        }
    }
}
