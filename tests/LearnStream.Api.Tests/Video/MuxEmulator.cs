using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using WireMock;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace LearnStream.Api.Tests.Video.WithMux;

/// <summary>
/// A WireMock server standing in for Mux's API, answering with the shapes of Mux's API reference (Direct
/// Uploads, Assets; the same shapes as tests/LearnStream.Tests/Video/MuxApiEmulator.cs). Uploads and assets
/// get fresh ids and echo the passthrough, so tests running side by side tell their requests apart by
/// lesson id. A test scripts failures for its own lesson with <see cref="FailUploads"/>.
/// </summary>
public sealed class MuxEmulator : IDisposable
{
    public const string TokenId = "emulated-token-id";
    public const string TokenSecret = "emulated-token-secret/with+base64:chars";
    public const string WebhookSecret = "emulated-webhook-secret";
    public const string SigningKeyId = "emulatedSigningKey01";

    private readonly ConcurrentDictionary<string, ConcurrentQueue<(int Status, string? RetryAfter)>> _uploadFailures = new();
    private readonly ConcurrentDictionary<string, string> _assets = new();

    public MuxEmulator()
    {
        Server = WireMockServer.Start();
        Server.Given(Request.Create().WithPath("/video/v1/uploads").UsingPost()).RespondWith(Response.Create().WithCallback(CreateUpload));
        Server.Given(Request.Create().WithPath("/video/v1/assets").UsingPost()).RespondWith(Response.Create().WithCallback(CreateAsset));
        Server.Given(Request.Create().WithPath("/video/v1/assets/*").UsingGet()).RespondWith(Response.Create().WithCallback(GetAsset));
        Server.Given(Request.Create().WithPath("/video/v1/assets/*").UsingDelete()).RespondWith(Response.Create().WithStatusCode(204));
        SigningKey = RSA.Create(2048);
    }

    public WireMockServer Server { get; }

    /// <summary>The URL signing key "Mux issued": the service signs with its private part, tests verify with the public one.</summary>
    public RSA SigningKey { get; }

    /// <summary>Base64 of the PKCS#1 PEM, which is how Mux returns a signing key's <c>private_key</c>.</summary>
    public string SigningKeyPrivate => Convert.ToBase64String(Encoding.UTF8.GetBytes(SigningKey.ExportRSAPrivateKeyPem()));

    public Dictionary<string, string?> Settings => new()
    {
        ["Video:Provider"] = "mux",
        ["Mux:TokenId"] = TokenId,
        ["Mux:TokenSecret"] = TokenSecret,
        ["Mux:WebhookSecret"] = WebhookSecret,
        ["Mux:SigningKeyId"] = SigningKeyId,
        ["Mux:SigningKeyPrivate"] = SigningKeyPrivate,
        ["Mux:ApiBaseUrl"] = Server.Url,
    };

    public static string BasicAuthorization => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TokenId}:{TokenSecret}"));

    public IReadOnlyList<ILogEntry> Requests => [.. Server.LogEntries];

    /// <summary>Upload creations whose passthrough is this lesson, oldest first.</summary>
    public List<ILogEntry> UploadRequests(string lessonId) => RequestsTo("POST", "/video/v1/uploads", lessonId);

    /// <summary>Asset creations (imports by URL) whose passthrough is this lesson.</summary>
    public List<ILogEntry> AssetRequests(string lessonId) => RequestsTo("POST", "/video/v1/assets", lessonId);

    /// <summary>Every request that named this text anywhere in its path or body.</summary>
    public List<ILogEntry> RequestsNaming(string text) =>
        [.. Requests.Where(e => e.RequestMessage!.Path.Contains(text, StringComparison.Ordinal) || (e.RequestMessage.Body ?? "").Contains(text, StringComparison.Ordinal))];

    public List<ILogEntry> Deletions(string assetId) =>
        [.. Requests.Where(e => e.RequestMessage!.Method == "DELETE" && e.RequestMessage.Path == $"/video/v1/assets/{assetId}")];

    /// <summary>The next upload creations for this lesson answer these statuses, in turn, before the normal answer.</summary>
    public void FailUploads(string lessonId, params (int Status, string? RetryAfter)[] answers) =>
        _uploadFailures[lessonId] = new ConcurrentQueue<(int, string?)>(answers);

    /// <summary>An asset that GET /video/v1/assets/{id} will return.</summary>
    public void AddAsset(string assetId, string dataJson) => _assets[assetId] = dataJson;

    public static string Header(ILogEntry entry, string name) =>
        entry.RequestMessage!.Headers!.Single(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value.Single();

    public static JsonElement JsonBody(ILogEntry entry) => JsonDocument.Parse(entry.RequestMessage!.Body!).RootElement;

    public static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N");

    /// <summary>An asset as Mux's API and webhooks describe it (the "data" object).</summary>
    public static string AssetJson(string assetId, string status, string? lessonId = null, string? uploadId = null,
        string? playbackId = null, string playbackPolicy = "signed", double? duration = null, string? aspectRatio = null, string? error = null)
    {
        var asset = new Dictionary<string, object?>
        {
            ["id"] = assetId,
            ["status"] = status,
            ["created_at"] = "1607876845",
            ["video_quality"] = "basic",
            ["mp4_support"] = "none",
            ["master_access"] = "none",
            ["playback_ids"] = playbackId is null ? Array.Empty<object>() : [new { policy = playbackPolicy, id = playbackId }],
        };
        if (lessonId is not null)
        {
            asset["passthrough"] = lessonId;
        }
        if (uploadId is not null)
        {
            asset["upload_id"] = uploadId;
        }
        if (duration is not null)
        {
            asset["duration"] = duration;
            asset["max_stored_frame_rate"] = 29.97;
            asset["resolution_tier"] = "1080p";
            asset["tracks"] = new object[]
            {
                new { type = "video", max_width = 1920, max_height = 1080, max_frame_rate = 29.97, id = "RiyQPM1Tg6n01", duration },
                new { type = "audio", max_channels = 2, id = "FzB95vBizv02", duration },
            };
        }
        if (aspectRatio is not null)
        {
            asset["aspect_ratio"] = aspectRatio;
        }
        if (error is not null)
        {
            asset["errors"] = new { type = "invalid_input", messages = new[] { error } };
        }
        return JsonSerializer.Serialize(asset);
    }

    private IResponseMessage CreateUpload(IRequestMessage request)
    {
        var body = JsonDocument.Parse(request.Body ?? "{}").RootElement;
        var passthrough = body.GetProperty("new_asset_settings").GetProperty("passthrough").GetString()!;
        if (_uploadFailures.TryGetValue(passthrough, out var failures) && failures.TryDequeue(out var failure))
        {
            var headers = failure.RetryAfter is null ? [] : new[] { ("Retry-After", failure.RetryAfter) };
            return Json(failure.Status, """{"error": {"type": "emulated_failure", "messages": ["The emulator was told to fail."]}}""", headers);
        }
        var id = NewId("up");
        var upload = new
        {
            url = $"https://storage.googleapis.com/video-storage-us-east1-uploads/{id}?Expires=1607882245&Signature=emulated",
            timeout = 3600,
            status = "waiting",
            new_asset_settings = new { playback_policies = new[] { "signed" }, passthrough },
            id,
            cors_origin = body.GetProperty("cors_origin").GetString(),
        };
        return Json(201, JsonSerializer.Serialize(new { data = upload }));
    }

    private IResponseMessage CreateAsset(IRequestMessage request)
    {
        var body = JsonDocument.Parse(request.Body ?? "{}").RootElement;
        var passthrough = body.GetProperty("passthrough").GetString();
        var id = NewId("as");
        var asset = AssetJson(id, "preparing", passthrough, playbackId: NewId("pb"));
        _assets[id] = asset;
        return Json(201, $$"""{"data": {{asset}}}""");
    }

    private IResponseMessage GetAsset(IRequestMessage request)
    {
        var id = request.Path["/video/v1/assets/".Length..];
        return _assets.TryGetValue(id, out var asset)
            ? Json(200, $$"""{"data": {{asset}}}""")
            : Json(404, """{"error": {"type": "not_found", "messages": ["The requested resource was not found"]}}""");
    }

    private static ResponseMessage Json(int status, string body, params (string Name, string Value)[] headers)
    {
        var response = new ResponseMessage
        {
            StatusCode = status,
            BodyData = new BodyData { BodyAsString = body, DetectedBodyType = BodyType.String, Encoding = Encoding.UTF8 },
        };
        response.AddHeader("Content-Type", "application/json");
        foreach (var (name, value) in headers)
        {
            response.AddHeader(name, value);
        }
        return response;
    }

    private List<ILogEntry> RequestsTo(string method, string path, string lessonId) =>
        [.. Requests.Where(e => e.RequestMessage!.Method == method && e.RequestMessage.Path == path
            && JsonDocument.Parse(e.RequestMessage.Body ?? "{}").RootElement is var body
            && Passthrough(body) == lessonId)];

    private static string? Passthrough(JsonElement body) =>
        body.TryGetProperty("passthrough", out var direct) ? direct.GetString()
        : body.TryGetProperty("new_asset_settings", out var settings) && settings.TryGetProperty("passthrough", out var nested) ? nested.GetString()
        : null;

    public void Dispose()
    {
        Server.Stop();
        Server.Dispose();
        SigningKey.Dispose();
    }
}
