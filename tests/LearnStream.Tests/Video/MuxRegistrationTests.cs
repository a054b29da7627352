using System.Text;
using LearnStream.Api.Features.Video.Mux;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using static LearnStream.Tests.Video.MuxApiEmulator;

namespace LearnStream.Tests.Video;

public sealed class MuxRegistrationTests : IDisposable
{
    private readonly MuxApiEmulator _mux = new();

    [Fact]
    public async Task AddMuxClient_points_the_client_at_the_configured_base_url_with_basic_auth_and_retries()
    {
        // Retry-After: 0 proves the retry handler is in the pipeline without a real wait.
        _mux.AnswerInTurn(Get($"/video/v1/assets/{AssetId}"), Build(503, null, ("Retry-After", "0")), Build(200, ReadyAsset));
        using var services = Provider(("Mux:ApiBaseUrl", _mux.Server.Url!), ("Mux:TokenId", "id-from-config"), ("Mux:TokenSecret", "secret-from-config"));

        var asset = await services.GetRequiredService<MuxClient>().GetAssetAsync(AssetId);

        Assert.Equal("ready", asset.Status);
        Assert.Equal(2, _mux.Requests.Count);
        var authorization = Header(_mux.Requests[1], "Authorization");
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("id-from-config:secret-from-config")), authorization);
    }

    [Fact]
    public async Task A_base_url_with_a_path_keeps_its_path()
    {
        _mux.Answer(Get($"/proxy/mux/video/v1/assets/{AssetId}"), 200, ReadyAsset);
        using var services = Provider(("Mux:ApiBaseUrl", _mux.Server.Url + "/proxy/mux"));

        var asset = await services.GetRequiredService<MuxClient>().GetAssetAsync(AssetId);

        Assert.Equal(AssetId, asset.Id);
    }

    [Fact]
    public async Task A_call_that_outlasts_the_request_timeout_is_abandoned()
    {
        _mux.Server.Given(Get($"/video/v1/assets/{AssetId}"))
            .RespondWith(Build(200, ReadyAsset).WithDelay(TimeSpan.FromSeconds(2)));
        using var services = Provider(("Mux:ApiBaseUrl", _mux.Server.Url!), ("Mux:RequestTimeout", "00:00:00.200"));
        var started = TimeProvider.System.GetTimestamp();

        var error = await Assert.ThrowsAsync<TaskCanceledException>(() => services.GetRequiredService<MuxClient>().GetAssetAsync(AssetId));

        Assert.IsType<TimeoutException>(error.InnerException);
        Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(1.5));
    }

    [Fact]
    public void Defaults_point_at_the_mux_api_with_a_bounded_timeout()
    {
        using var services = Provider();

        var options = services.GetRequiredService<IOptions<MuxOptions>>().Value;

        Assert.Equal(new Uri("https://api.mux.com"), options.ApiBaseUrl);
        Assert.Equal(TimeSpan.FromSeconds(30), options.RequestTimeout);
    }

    [Fact]
    public void Production_without_credentials_fails_validation_naming_each_setting()
    {
        var validator = new MuxOptionsValidator(new FakeEnvironment(Environments.Production));

        var result = validator.Validate(null, new MuxOptions());

        Assert.True(result.Failed);
        foreach (var key in new[] { "Mux:TokenId", "Mux:TokenSecret", "Mux:WebhookSecret", "Mux:SigningKeyId", "Mux:SigningKeyPrivate" })
        {
            Assert.Contains(result.Failures!, f => f.StartsWith(key, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Development_without_credentials_passes_validation()
    {
        var validator = new MuxOptionsValidator(new FakeEnvironment(Environments.Development));

        Assert.True(validator.Validate(null, new MuxOptions()).Succeeded);
    }

    [Fact]
    public void A_signing_key_that_cannot_sign_fails_validation_in_any_environment()
    {
        var validator = new MuxOptionsValidator(new FakeEnvironment(Environments.Development));

        var result = validator.Validate(null, new MuxOptions { SigningKeyPrivate = "bm90IGEga2V5" });

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("Mux:SigningKeyPrivate", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("https://learn.example", true)]
    [InlineData("http://localhost:5173", true)]
    [InlineData("https://learn.example/", true)]
    [InlineData("https://learn.example/app", false)]
    [InlineData("https://learn.example?x=1", false)]
    [InlineData("learn.example", false)]
    [InlineData("ftp://learn.example", false)]
    public void A_configured_cors_origin_must_be_an_origin(string origin, bool accepted)
    {
        var validator = new MuxOptionsValidator(new FakeEnvironment(Environments.Development));

        var result = validator.Validate(null, new MuxOptions { CorsOrigin = origin });

        Assert.Equal(accepted, result.Succeeded);
        if (!accepted)
        {
            Assert.Contains(result.Failures!, f => f.StartsWith("Mux:CorsOrigin", StringComparison.Ordinal));
        }
    }

    private static ServiceProvider Provider(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddMuxClient();
        return services.BuildServiceProvider();
    }

    private sealed class FakeEnvironment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "LearnStream.Tests";
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = null!;
    }

    public void Dispose() => _mux.Dispose();
}
