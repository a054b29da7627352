using System.Text.Json;
using LearnStream.Api.Features.Video.Mux;
using Microsoft.Extensions.Time.Testing;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace LearnStream.Tests.Video;

/// <summary>
/// A WireMock server standing in for api.mux.com, answering with the shapes of Mux's API reference, and a
/// MuxClient pointed at it whose retry waits are recorded instead of slept.
/// </summary>
public sealed class MuxApiEmulator : IDisposable
{
    public const string TokenId = "test-token-id";
    public const string TokenSecret = "test-token-secret/with+base64:chars";

    public const string UploadId = "zd01Pe2bNpYhxbrwYABgFE01twZdtv4M00kts2i02GhbGjc";
    public const string AssetId = "01itgOBvgjAbES7Inwvu4kEBtsQ44HFL6";
    public const string PlaybackId = "kXAvbYcGyMr7K1lWZ63XHAd02PM4oVv7";

    private readonly HttpClient _http;

    public MuxApiEmulator()
    {
        Server = WireMockServer.Start();
        var handler = new MuxRetryHandler(Time, (wait, _) =>
        {
            Delays.Add(wait);
            return Task.CompletedTask;
        })
        { InnerHandler = new SocketsHttpHandler() };
        _http = new HttpClient(handler);
        MuxClient.Configure(_http, Options(Server.Url!));
        Client = new MuxClient(_http, Time);
    }

    public WireMockServer Server { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.Zero));

    public List<TimeSpan> Delays { get; } = [];

    public MuxClient Client { get; }

    public IReadOnlyList<ILogEntry> Requests => [.. Server.LogEntries];

    public static MuxOptions Options(string baseUrl) => new()
    {
        TokenId = TokenId,
        TokenSecret = TokenSecret,
        ApiBaseUrl = new Uri(baseUrl),
        RequestTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>Answers every matching request with the same response.</summary>
    public void Answer(IRequestBuilder request, int status, string? body = null, params (string Name, string Value)[] headers)
    {
        Server.Given(request).RespondWith(Build(status, body, headers));
    }

    /// <summary>Answers the first matching request with <paramref name="first"/> and every later one with <paramref name="then"/>.</summary>
    public void AnswerInTurn(IRequestBuilder request, IResponseBuilder first, IResponseBuilder then)
    {
        var scenario = Guid.NewGuid().ToString();
        Server.Given(request).InScenario(scenario).WillSetStateTo("answered once").RespondWith(first);
        Server.Given(request).InScenario(scenario).WhenStateIs("answered once").RespondWith(then);
    }

    public static IResponseBuilder Build(int status, string? body = null, params (string Name, string Value)[] headers)
    {
        var response = Response.Create().WithStatusCode(status);
        foreach (var (name, value) in headers)
        {
            response = response.WithHeader(name, value);
        }
        return body is null ? response : response.WithHeader("Content-Type", "application/json").WithBody(body);
    }

    public static IRequestBuilder Post(string path) => Request.Create().WithPath(path).UsingPost();

    public static IRequestBuilder Get(string path) => Request.Create().WithPath(path).UsingGet();

    public static IRequestBuilder Delete(string path) => Request.Create().WithPath(path).UsingDelete();

    public static string Header(ILogEntry entry, string name) =>
        entry.RequestMessage!.Headers!.Single(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value.Single();

    public static JsonElement JsonBody(ILogEntry entry) => JsonDocument.Parse(entry.RequestMessage!.Body!).RootElement;

    // Response bodies modelled on the examples in Mux's API reference (Direct Uploads, Assets).

    public const string WaitingUpload = $$"""
        {"data": {
          "url": "https://storage.googleapis.com/video-storage-us-east1-uploads/{{UploadId}}?Expires=1607882245&Signature=abc",
          "timeout": 3600,
          "status": "waiting",
          "new_asset_settings": {"playback_policies": ["signed"], "passthrough": "lesson:42"},
          "id": "{{UploadId}}",
          "cors_origin": "https://learn.example"
        }
        }
        """;

    public const string UploadWithAsset = $$"""
        {"data": {
          "timeout": 3600,
          "status": "asset_created",
          "new_asset_settings": {"playback_policies": ["signed"], "passthrough": "lesson:42"},
          "id": "{{UploadId}}",
          "cors_origin": "https://learn.example",
          "asset_id": "{{AssetId}}"
        }
        }
        """;

    public const string PreparingAsset = $$"""
        {"data": {
          "status": "preparing",
          "playback_ids": [{"policy": "signed", "id": "{{PlaybackId}}"}],
          "video_quality": "basic",
          "mp4_support": "none",
          "master_access": "none",
          "id": "{{AssetId}}",
          "created_at": "1607876845",
          "passthrough": "lesson:42"
        }
        }
        """;

    public const string ReadyAsset = $$"""
        {"data": {
          "tracks": [
            {"type": "video", "max_width": 1920, "max_height": 1080, "max_frame_rate": 29.97, "id": "RiyQPM1Tg6n01", "duration": 23.8},
            {"type": "audio", "max_channels": 2, "id": "FzB95vBizv02", "duration": 23.8}
          ],
          "status": "ready",
          "resolution_tier": "1080p",
          "progress": {"state": "completed", "progress": 100},
          "playback_ids": [{"policy": "signed", "id": "{{PlaybackId}}"}],
          "passthrough": "lesson:42",
          "max_stored_frame_rate": 29.97,
          "id": "{{AssetId}}",
          "duration": 23.8,
          "created_at": "1607876845",
          "aspect_ratio": "16:9",
          "upload_id": "{{UploadId}}"
        }
        }
        """;

    public const string ErroredAsset = $$"""
        {"data": {
          "status": "errored",
          "playback_ids": [{"policy": "signed", "id": "{{PlaybackId}}"}],
          "id": "{{AssetId}}",
          "created_at": "1607876845",
          "passthrough": "lesson:42",
          "errors": {"type": "invalid_input", "messages": ["The input file could not be processed."]}
        }
        }
        """;

    public const string InvalidParameters = """
        {"error": {"type": "invalid_parameters", "messages": ["cors_origin must be a valid origin"]}}
        """;

    public void Dispose()
    {
        _http.Dispose();
        Server.Stop();
        Server.Dispose();
    }
}
