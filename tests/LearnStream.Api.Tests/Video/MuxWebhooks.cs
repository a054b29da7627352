using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace LearnStream.Api.Tests.Video.WithMux;

/// <summary>Mux's webhook deliveries: the event envelope, and the mux-signature header computed as Mux documents it.</summary>
public static class MuxWebhooks
{
    public const string Path = "/api/v1/webhooks/mux";

    public static string Event(string type, string objectType, string objectId, string dataJson, string? eventId = null) => $$"""
        {
          "type": "{{type}}",
          "request_id": null,
          "object": {"type": "{{objectType}}", "id": "{{objectId}}"},
          "id": "{{eventId ?? Guid.NewGuid().ToString()}}",
          "environment": {"name": "Production", "id": "j0863n"},
          "data": {{dataJson}},
          "created_at": "{{DateTimeOffset.UtcNow:yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'}}",
          "attempts": [],
          "accessor_source": null,
          "accessor": null
        }
        """;

    public static string UploadEvent(string type, string uploadId, string lessonId, string? assetId = null, string? error = null, string? eventId = null)
    {
        var status = type switch { "video.upload.asset_created" => "asset_created", "video.upload.cancelled" => "cancelled", _ => "errored" };
        var data = new Dictionary<string, object?>
        {
            ["timeout"] = 3600,
            ["status"] = status,
            ["new_asset_settings"] = new { playback_policies = new[] { "signed" }, passthrough = lessonId },
            ["id"] = uploadId,
            ["cors_origin"] = "https://learn.example",
        };
        if (assetId is not null)
        {
            data["asset_id"] = assetId;
        }
        if (error is not null)
        {
            data["error"] = new { type = "invalid_input", message = error };
        }
        return Event(type, "upload", uploadId, JsonSerializer.Serialize(data), eventId);
    }

    public static string AssetEvent(string type, string assetJson, string assetId, string? eventId = null) =>
        Event(type, "asset", assetId, assetJson, eventId);

    /// <summary>The mux-signature header: HMAC-SHA256 under the secret over "{t}." + body, hex, as v1.</summary>
    public static string Signature(string body, DateTimeOffset signedAt, string secret = MuxEmulator.WebhookSecret)
    {
        var t = signedAt.ToUnixTimeSeconds();
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}"));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    public static async Task<HttpResponseMessage> DeliverAsync(this HttpClient client, string body, DateTimeOffset? signedAt = null,
        string secret = MuxEmulator.WebhookSecret, string? signature = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Path)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("mux-signature", signature ?? Signature(body, signedAt ?? DateTimeOffset.UtcNow, secret));
        return await client.SendAsync(request);
    }

    public static async Task DeliverOkAsync(this HttpClient client, string body)
    {
        using var response = await client.DeliverAsync(body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"webhook answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
