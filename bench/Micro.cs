#:sdk Microsoft.NET.Sdk.Web
#:project ../src/LearnStream.Api/LearnStream.Api.csproj

// Micro-benchmarks for two costs of the auth paths, measured outside HTTP with the API's own types:
//  - the password hash: PasswordHasher at 210,000 iterations of PBKDF2-SHA512, in ms per hash;
//  - the per-request session revocation check, in ns per check: "lookup" is SessionRevocations.IsRevoked,
//    "hook" what AuthExtensions.RejectEndedSessions does: read the sid and sub claims, parse both
//    (SessionRevocations.SessionOf), look up. A remembered token's session is parsed once and kept
//    (RememberedBearerHandler), so most requests pay only the lookup.
// Run: dotnet run -c Release bench/Micro.cs (bench/auth.sh runs it too). Prints "MICRO ..." lines.
using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using LearnStream.Api.Common;
using LearnStream.Api.Features.Auth;
using Microsoft.Extensions.Options;

const int Rounds = 5;

var hasher = new PasswordHasher(PasswordHasher.MinimumIterations);
var hashTimes = new List<double>();
for (var round = -1; round < Rounds; round++)
{
    var watch = Stopwatch.StartNew();
    hasher.Hash("bench-Passw0rd-long");
    watch.Stop();
    if (round >= 0)
    {
        hashTimes.Add(watch.Elapsed.TotalMilliseconds);
    }
}
hashTimes.Sort();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"MICRO pbkdf2_sha512_210000_ms median={hashTimes[Rounds / 2]:F1} min={hashTimes[0]:F1} max={hashTimes[^1]:F1}"));

var now = DateTimeOffset.UtcNow;
var sessionId = Guid.CreateVersion7();
var userId = Guid.CreateVersion7();

// The claims of a LearnStream access token, in the order the issuer writes them.
var principal = new ClaimsPrincipal(new ClaimsIdentity(
[
    new Claim("aud", "learnstream"),
    new Claim("iss", "learnstream"),
    new Claim("exp", now.AddMinutes(10).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
    new Claim("iat", now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
    new Claim("nbf", now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
    new Claim("sub", userId.ToString()),
    new Claim("role", "student"),
    new Claim("sid", sessionId.ToString()),
    new Claim("jti", Guid.NewGuid().ToString("N")),
], "Bearer"));

foreach (var revokedCount in new[] { 0, 100_000 })
{
    // A container with no Redis: the check never touches the network.
#pragma warning disable ASP0000
    var services = new ServiceCollection().AddSingleton(Options.Create(new RedisOptions())).BuildServiceProvider();
#pragma warning restore ASP0000
    var revocations = new SessionRevocations(TimeProvider.System, Options.Create(new JwtOptions()), services);
    for (var i = 0; i < revokedCount; i++)
    {
        revocations.Remember(Guid.CreateVersion7(), now.AddMinutes(10));
    }

    var lookup = Measure(2_000_000, () => revocations.IsRevoked(sessionId));
    var hook = Measure(500_000, () => SessionRevocations.SessionOf(principal) is not { } id || revocations.IsRevoked(id));

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"MICRO revocation_check revoked_sessions={revokedCount} lookup_ns={lookup:F1} hook_ns={hook:F1}"));
}

// Median over rounds of the mean time per call (delegate call included), after a warm-up round (tiered JIT).
static double Measure(int iterations, Func<bool> check)
{
    var sink = 0;
    var results = new List<double>();
    for (var round = -1; round < Rounds; round++)
    {
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
        {
            if (check())
            {
                sink++;
            }
        }
        watch.Stop();
        if (round >= 0)
        {
            results.Add(watch.Elapsed.TotalNanoseconds / iterations);
        }
    }
    if (sink != 0)
    {
        throw new InvalidOperationException("The session under test was found revoked.");
    }
    results.Sort();
    return results[results.Count / 2];
}
