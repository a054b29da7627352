using LearnStream.Api.Features.Auth;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;

namespace LearnStream.Tests;

public class AccessTokenIssuerTests
{
    private static readonly Guid UserId = Guid.Parse("0b9e8c3a-5d0f-4a53-9d39-6f1f6e2a7c11");
    private static readonly Guid SessionId = Guid.Parse("7d4c2f18-9a6e-4b1d-8e3f-2c5b0a9d8e44");

    // Deliberately not on a whole second: JWT times are whole seconds.
    private static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);

    private readonly JwtOptions _options = TestKeys.Options(("k1", TestKeys.NewP256Pem()));

    [Fact]
    public void Header_names_es256_the_key_id_and_the_access_token_type()
    {
        var token = new JsonWebToken(Issue().Value);

        Assert.Equal("ES256", token.Alg);
        Assert.Equal("k1", token.Kid);
        Assert.Equal("at+jwt", token.Typ);
    }

    [Fact]
    public void Payload_carries_subject_role_session_issuer_and_audience()
    {
        _options.Issuer = "https://learn.example";
        _options.Audience = "learnstream-api";

        var token = new JsonWebToken(Issue(role: "instructor").Value);

        Assert.Equal(UserId.ToString(), token.Subject);
        Assert.Equal("instructor", token.GetClaim("role").Value);
        Assert.Equal(SessionId.ToString(), token.GetClaim("sid").Value);
        Assert.Equal("https://learn.example", token.Issuer);
        Assert.Equal(["learnstream-api"], token.Audiences);
        Assert.Matches("^[0-9a-f]{32}$", token.Id);
    }

    [Fact]
    public void Each_token_gets_its_own_jti()
    {
        Assert.NotEqual(new JsonWebToken(Issue().Value).Id, new JsonWebToken(Issue().Value).Id);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(15)]
    public void Lifetime_is_the_configured_minutes_from_iat_to_exp(int minutes)
    {
        _options.AccessTokenMinutes = minutes;

        var issued = Issue();
        var token = new JsonWebToken(issued.Value);
        var iat = token.GetPayloadValue<long>("iat");
        var exp = token.GetPayloadValue<long>("exp");

        Assert.Equal(minutes * 60, exp - iat);
        Assert.Equal(minutes * 60, issued.ExpiresInSeconds);
        Assert.Equal(iat, token.GetPayloadValue<long>("nbf"));
    }

    [Fact]
    public void Times_are_the_current_second_truncated_and_agree_with_the_returned_expiry()
    {
        var issued = Issue();
        var token = new JsonWebToken(issued.Value);

        var wholeSecond = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        Assert.Equal(wholeSecond.ToUnixTimeSeconds(), token.GetPayloadValue<long>("iat"));
        Assert.Equal(wholeSecond.AddMinutes(10), issued.ExpiresAt);
        Assert.Equal(issued.ExpiresAt.ToUnixTimeSeconds(), token.GetPayloadValue<long>("exp"));
    }

    [Fact]
    public void Validation_parameters_pin_algorithm_type_issuer_audience_and_skew()
    {
        var parameters = AccessTokenIssuer.ValidationParameters(_options, TestKeys.Ring(_options));

        Assert.Equal(["ES256"], parameters.ValidAlgorithms);
        Assert.Equal(["at+jwt"], parameters.ValidTypes);
        Assert.Equal(_options.Issuer, parameters.ValidIssuer);
        Assert.Equal(_options.Audience, parameters.ValidAudience);
        Assert.Equal(TimeSpan.FromSeconds(30), parameters.ClockSkew);
        Assert.False(parameters.TryAllIssuerSigningKeys);
        Assert.True(parameters.RequireSignedTokens);
        Assert.True(parameters.RequireExpirationTime);
    }

    private AccessToken Issue(string role = "student") =>
        new AccessTokenIssuer(TestKeys.Ring(_options), TestKeys.Wrap(_options), new FakeTimeProvider(Now))
            .Issue(UserId, role, SessionId);
}
