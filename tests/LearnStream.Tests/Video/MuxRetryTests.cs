using System.Net;
using System.Net.Sockets;
using LearnStream.Api.Features.Video.Mux;
using static LearnStream.Tests.Video.MuxApiEmulator;

namespace LearnStream.Tests.Video;

public sealed class MuxRetryTests : IDisposable
{
    private readonly MuxApiEmulator _mux = new();

    [Fact]
    public async Task Rate_limited_request_is_retried_after_the_delay_retry_after_asks_for()
    {
        _mux.AnswerInTurn(Post("/video/v1/uploads"),
            Build(429, """{"error": {"type": "too_many_requests", "messages": ["Slow down"]}}""", ("Retry-After", "2")),
            Build(201, WaitingUpload));

        var upload = await _mux.Client.CreateUploadAsync("https://learn.example", "lesson:42");

        Assert.Equal(UploadId, upload.Id);
        Assert.Equal(2, _mux.Requests.Count);
        Assert.All(_mux.Requests, r => Assert.Equal("https://learn.example", JsonBody(r).GetProperty("cors_origin").GetString()));
        Assert.Equal([TimeSpan.FromSeconds(2)], _mux.Delays);
    }

    [Fact]
    public async Task Retry_after_as_an_http_date_is_measured_against_the_time_provider()
    {
        var retryAt = _mux.Time.GetUtcNow().AddSeconds(7);
        _mux.AnswerInTurn(Post("/video/v1/uploads"),
            Build(429, null, ("Retry-After", retryAt.ToString("R"))),
            Build(201, WaitingUpload));

        await _mux.Client.CreateUploadAsync("https://learn.example", "lesson:42");

        Assert.Equal([TimeSpan.FromSeconds(7)], _mux.Delays);
    }

    [Fact]
    public async Task Retry_after_date_in_the_past_retries_at_once()
    {
        _mux.AnswerInTurn(Get($"/video/v1/assets/{AssetId}"),
            Build(503, null, ("Retry-After", _mux.Time.GetUtcNow().AddMinutes(-1).ToString("R"))),
            Build(200, ReadyAsset));

        await _mux.Client.GetAssetAsync(AssetId);

        Assert.Equal([TimeSpan.Zero], _mux.Delays);
    }

    [Fact]
    public async Task Service_unavailable_is_retried_with_backoff_then_succeeds()
    {
        _mux.AnswerInTurn(Post("/video/v1/assets"), Build(503), Build(201, PreparingAsset));

        var asset = await _mux.Client.CreateAssetAsync("https://cdn.example.com/lecture.mp4", "lesson:42");

        Assert.Equal(AssetId, asset.Id);
        Assert.Equal(2, _mux.Requests.Count);
        var delay = Assert.Single(_mux.Delays);
        Assert.InRange(delay, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public async Task Attempts_are_bounded_and_backoff_grows_then_the_error_surfaces()
    {
        _mux.Answer(Get($"/video/v1/assets/{AssetId}"), 503, """{"error": {"type": "unavailable", "messages": ["Try later"]}}""");

        var error = await Assert.ThrowsAsync<MuxApiException>(() => _mux.Client.GetAssetAsync(AssetId));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Equal(4, _mux.Requests.Count);
        Assert.Equal(3, _mux.Delays.Count);
        Assert.InRange(_mux.Delays[0], TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500));
        Assert.InRange(_mux.Delays[1], TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1));
        Assert.InRange(_mux.Delays[2], TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Retry_after_beyond_the_cap_is_not_waited_for_and_is_reported()
    {
        _mux.Answer(Post("/video/v1/uploads"), 429, null, ("Retry-After", "120"));

        var error = await Assert.ThrowsAsync<MuxApiException>(() => _mux.Client.CreateUploadAsync("https://learn.example", "lesson:42"));

        Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(120), error.RetryAfter);
        Assert.Single(_mux.Requests);
        Assert.Empty(_mux.Delays);
    }

    [Fact]
    public async Task Create_is_not_repeated_after_a_500_because_mux_may_have_created_it()
    {
        _mux.Answer(Post("/video/v1/uploads"), 500);

        var error = await Assert.ThrowsAsync<MuxApiException>(() => _mux.Client.CreateUploadAsync("https://learn.example", "lesson:42"));

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Single(_mux.Requests);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(504)]
    public async Task Reads_are_retried_after_server_errors(int status)
    {
        _mux.AnswerInTurn(Get($"/video/v1/assets/{AssetId}"), Build(status), Build(200, ReadyAsset));

        var asset = await _mux.Client.GetAssetAsync(AssetId);

        Assert.Equal("ready", asset.Status);
        Assert.Equal(2, _mux.Requests.Count);
    }

    [Fact]
    public async Task Deletes_are_retried_after_server_errors()
    {
        _mux.AnswerInTurn(Delete($"/video/v1/assets/{AssetId}"), Build(502), Build(204));

        await _mux.Client.DeleteAssetAsync(AssetId);

        Assert.Equal(2, _mux.Requests.Count);
    }

    [Fact]
    public async Task Client_errors_are_not_retried()
    {
        _mux.Answer(Get($"/video/v1/assets/{AssetId}"), 404, """{"error": {"type": "not_found", "messages": ["Not found"]}}""");

        var error = await Assert.ThrowsAsync<MuxApiException>(() => _mux.Client.GetAssetAsync(AssetId));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Single(_mux.Requests);
        Assert.Empty(_mux.Delays);
    }

    [Fact]
    public async Task Failures_to_connect_are_retried_a_bounded_number_of_times()
    {
        var delays = new List<TimeSpan>();
        using var http = new HttpClient(new MuxRetryHandler(_mux.Time, (wait, _) =>
        {
            delays.Add(wait);
            return Task.CompletedTask;
        })
        { InnerHandler = new SocketsHttpHandler() });
        MuxClient.Configure(http, Options($"http://127.0.0.1:{UnusedPort()}"));
        var client = new MuxClient(http, _mux.Time);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.CreateUploadAsync("https://learn.example", "lesson:42"));

        Assert.Equal(HttpRequestError.ConnectionError, error.HttpRequestError);
        Assert.Equal(3, delays.Count);
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => _mux.Dispose();
}
