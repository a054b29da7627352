using LearnStream.Api.Common;
using LearnStream.Api.Features.Users;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection.Extensions;
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

        // AddJwtBearer's registrations, with the handler that takes remembered tokens without redoing their validation.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<JwtBearerOptions>, JwtBearerPostConfigureOptions>());
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddScheme<JwtBearerOptions, RememberedBearerHandler>(JwtBearerDefaults.AuthenticationScheme, configureOptions: null);
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
                        var token = BearerToken(context.Request);
                        context.Token = token.IsEmpty ? null : verified.Remembered(token);
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
    /// The request's bearer token as the handler cuts it from the header itself (a single Authorization
    /// header, "Bearer " in any case, the rest trimmed), or nothing. When the verified-token cache remembers
    /// it, the handler is handed the remembered string instead of a copy; see <see cref="RememberedBearerHandler"/>.
    /// </summary>
    internal static ReadOnlySpan<char> BearerToken(HttpRequest request)
    {
        const string scheme = "Bearer ";
        var header = request.Headers.Authorization;
        return header.Count == 1 && header[0] is { } value && value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
            ? value.AsSpan(scheme.Length).Trim()
            : [];
    }

    // The signature proves who issued the token; only this check knows whether its session has ended since.
    private static Task RejectEndedSessions(TokenValidatedContext context)
    {
        var revocations = context.HttpContext.RequestServices.GetRequiredService<SessionRevocations>();
        if (SessionRevocations.SessionOf(context.Principal) is not { } session || revocations.IsRevoked(session))
        {
            context.Fail("The session has ended.");
        }
        return Task.CompletedTask;
    }
}
