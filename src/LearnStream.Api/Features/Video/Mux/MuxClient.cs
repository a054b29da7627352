using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace LearnStream.Api.Features.Video.Mux;

/// <summary>
/// The calls we make to the Mux Video API. Every asset gets a signed playback policy and never a public one,
/// so a playback id alone cannot play a course video: <see cref="MuxPlaybackSigner"/> must issue a token.
/// </summary>
public sealed class MuxClient(HttpClient http, TimeProvider time)
{
    /// <summary>Mux refuses longer passthrough values.</summary>
    public const int MaxPassthroughLength = 255;

    private static readonly string[] SignedOnly = ["signed"];

    /// <summary>Creates a direct upload: the browser at <paramref name="corsOrigin"/> PUTs the file to the returned URL.</summary>
    public async Task<MuxUpload> CreateUploadAsync(string corsOrigin, string passthrough, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(corsOrigin);
        CheckPassthrough(passthrough);
        var body = new
        {
            cors_origin = corsOrigin,
            new_asset_settings = new { playback_policies = SignedOnly, passthrough },
        };
        return await SendAsync<MuxUpload>(HttpMethod.Post, "video/v1/uploads", body, cancellationToken);
    }

    /// <summary>
    /// Asks Mux to fetch <paramref name="inputUrl"/> and make an asset of it. Endpoints should answer 400 with
    /// <see cref="ImportUrlGuard.Check"/>'s message first; the check here is the backstop for callers that forgot.
    /// </summary>
    public async Task<MuxAsset> CreateAssetAsync(string inputUrl, string passthrough, CancellationToken cancellationToken = default)
    {
        if (ImportUrlGuard.Check(inputUrl) is { } problem)
        {
            throw new ArgumentException(problem, nameof(inputUrl));
        }
        CheckPassthrough(passthrough);
        var body = new
        {
            inputs = new[] { new { url = inputUrl } },
            playback_policies = SignedOnly,
            passthrough,
        };
        return await SendAsync<MuxAsset>(HttpMethod.Post, "video/v1/assets", body, cancellationToken);
    }

    public Task<MuxAsset> GetAssetAsync(string assetId, CancellationToken cancellationToken = default) =>
        SendAsync<MuxAsset>(HttpMethod.Get, "video/v1/assets/" + PathSegment(assetId), null, cancellationToken);

    public Task<MuxUpload> GetUploadAsync(string uploadId, CancellationToken cancellationToken = default) =>
        SendAsync<MuxUpload>(HttpMethod.Get, "video/v1/uploads/" + PathSegment(uploadId), null, cancellationToken);

    /// <summary>Deletes the asset; one that is already gone (404) counts as deleted, so this can be repeated.</summary>
    public async Task DeleteAssetAsync(string assetId, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, "video/v1/assets/" + PathSegment(assetId));
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotFound)
        {
            throw await MuxApiException.FromResponseAsync(response, time, cancellationToken);
        }
    }

    /// <summary>Points an HttpClient at Mux with Basic auth; AddMuxClient and the tests share it.</summary>
    public static void Configure(HttpClient http, MuxOptions options)
    {
        var baseUrl = options.ApiBaseUrl.ToString();
        // Relative paths resolve against the base only when it ends in '/', so a base with a path keeps it.
        http.BaseAddress = new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/");
        http.Timeout = options.RequestTimeout;
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.TokenId}:{options.TokenSecret}"));
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", credentials);
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
        where T : class
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            // Bytes rather than a streamed JsonContent, so the retry handler can send the same body again.
            var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Content = content;
        }
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await MuxApiException.FromResponseAsync(response, time, cancellationToken);
        }
        return await ReadDataAsync<T>(response, cancellationToken);
    }

    /// <summary>Mux wraps every object in <c>{"data": ...}</c>.</summary>
    private static async Task<T> ReadDataAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var envelope = await JsonSerializer.DeserializeAsync<DataEnvelope<T>>(stream, MuxJson.Options, cancellationToken);
            if (envelope?.Data is { } data)
            {
                return data;
            }
        }
        catch (JsonException e)
        {
            throw new MuxApiException(response.StatusCode, $"Mux answered {(int)response.StatusCode} with a body that is not JSON of the expected shape.", e);
        }
        throw new MuxApiException(response.StatusCode, $"Mux answered {(int)response.StatusCode} without a \"data\" object.");
    }

    private static string PathSegment(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return Uri.EscapeDataString(id);
    }

    private static void CheckPassthrough(string passthrough)
    {
        ArgumentNullException.ThrowIfNull(passthrough);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(passthrough.Length, MaxPassthroughLength, nameof(passthrough));
    }

    private sealed record DataEnvelope<T>(T? Data);
}
