using LearnStream.Api.Common;
using LearnStream.Api.Features.Users;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace LearnStream.Api.Features.Auth;

public static class AuthExtensions
{
    public const string AdminPolicy = "admin";

    public static IHostApplicationBuilder AddAuth(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<JwtOptions>().BindConfiguration(JwtOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<JwtOptions>, JwtOptionsValidator>();
        services.AddOptions<SessionOptions>().BindConfiguration(SessionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PasswordOptions>().BindConfiguration(PasswordOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AuthRateLimitOptions>().BindConfiguration(AuthRateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton<SigningKeyRing>();
        services.AddSingleton<AccessTokenIssuer>();
        services.AddSingleton(sp => new VerifiedTokenCache(
            sp.GetRequiredService<IOptions<JwtOptions>>().Value.VerifiedTokenCacheSize, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(_ => PasswordPolicy.FromEmbeddedList());
        services.AddSingleton<PasswordHashingGate>();
        services.AddSingleton<SessionRevocations>();
        services.AddHostedService<SessionRevocationSync>();
        services.AddScoped<SessionService>();
        services.AddSingleton<AuthRateLimiter>();
        if (builder.Configuration.HasRedis())
        {
            services.AddSingleton<IRateLimitStore, RedisRateLimitStore>();
        }
        else
        {
            services.AddSingleton<IRateLimitStore, InProcessRateLimitStore>();
        }

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<JwtOptions>, SigningKeyRing, VerifiedTokenCache>((bearer, jwt, keys, verified) =>
            {
                bearer.TokenHandlers.Clear();
                bearer.TokenHandlers.Add(new RememberedTokenHandler(verified, keys) { MapInboundClaims = false });
                bearer.MapInboundClaims = false;
                // Nothing reads the token back from the authentication properties; storing it cost every request a dictionary.
                bearer.SaveToken = false;
                bearer.TokenValidationParameters = AccessTokenIssuer.ValidationParameters(jwt.Value, keys, verified);
                bearer.Events = new JwtBearerEvents
                {
                    OnMessageReceived = context =>
                    {
                        context.Token = RememberedBearerToken(context.Request, verified);
                        return Task.CompletedTask;
                    },
                    OnTokenValidated = RejectEndedSessions,
                };
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicy, policy => policy.RequireRole(Roles.Admin));
        return builder;
    }

    /// <summary>
    /// The remembered string of the request's bearer token, or null, when the handler cuts the token from
    /// the header itself: a single Authorization header, "Bearer " in any case, the rest trimmed, as it does.
    /// </summary>
    private static string? RememberedBearerToken(HttpRequest request, VerifiedTokenCache verified)
    {
        const string scheme = "Bearer ";
        var header = request.Headers.Authorization;
        return header.Count == 1 && header[0] is { } value && value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
            ? verified.Remembered(value.AsSpan(scheme.Length).Trim())
            : null;
    }

    // The signature proves who issued the token; only this check knows whether its session has ended since.
    private static Task RejectEndedSessions(TokenValidatedContext context)
    {
        var revocations = context.HttpContext.RequestServices.GetRequiredService<SessionRevocations>();
        var sid = context.Principal?.FindFirst("sid")?.Value;
        var sub = context.Principal?.FindFirst("sub")?.Value;
        if (!Guid.TryParse(sid, out var sessionId) || !Guid.TryParse(sub, out _) || revocations.IsRevoked(sessionId))
        {
            context.Fail("The session has ended.");
        }
        return Task.CompletedTask;
    }
}
