using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using LearnStream.Api.Features.Video.Mux;

namespace LearnStream.Tests.Video;

public class MuxWebhookVerifierTests
{
    private const string Secret = "whsec-test-0b9e8c3a5d0f4a53";
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 31, 2, TimeSpan.Zero);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"type":"video.asset.ready","id":"3a56ac3d","data":{"id":"asset"}}""");

    [Fact]
    public void Body_signed_with_our_secret_at_the_current_time_is_valid()
    {
        var header = $"t={Seconds(Now)},v1={Hmac(Secret, Seconds(Now), Body)}";

        Assert.Equal(MuxSignatureCheck.Valid, MuxWebhookVerifier.Verify(header, Body, Secret, Now));
    }

    [Fact]
    public void Signature_computed_by_the_verifier_matches_an_independent_hmac()
    {
        Assert.Equal(Hmac(Secret, 1565220904, Body), MuxWebhookVerifier.ComputeSignature(1565220904, Body, Secret));
    }

    [Fact]
    public void Body_signed_with_another_secret_is_refused()
    {
        var header = $"t={Seconds(Now)},v1={Hmac("someone-elses-secret", Seconds(Now), Body)}";

        Assert.Equal(MuxSignatureCheck.WrongSignature, MuxWebhookVerifier.Verify(header, Body, Secret, Now));
    }

    [Fact]
    public void Tampered_body_is_refused()
    {
        var header = $"t={Seconds(Now)},v1={Hmac(Secret, Seconds(Now), Body)}";
        var tampered = Encoding.UTF8.GetBytes("""{"type":"video.asset.ready","id":"3a56ac3d","data":{"id":"other"}}""");

        Assert.Equal(MuxSignatureCheck.WrongSignature, MuxWebhookVerifier.Verify(header, tampered, Secret, Now));
    }

    [Fact]
    public void Timestamp_moved_away_from_the_one_signed_is_refused()
    {
        var header = $"t={Seconds(Now) + 1},v1={Hmac(Secret, Seconds(Now), Body)}";

        Assert.Equal(MuxSignatureCheck.WrongSignature, MuxWebhookVerifier.Verify(header, Body, Secret, Now));
    }

    [Theory]
    [InlineData(-301, MuxSignatureCheck.Stale)]
    [InlineData(-3600, MuxSignatureCheck.Stale)]
    [InlineData(-299, MuxSignatureCheck.Valid)]
    [InlineData(299, MuxSignatureCheck.Valid)]
    [InlineData(301, MuxSignatureCheck.Stale)]
    [InlineData(86_400, MuxSignatureCheck.Stale)]
    public void Timestamps_more_than_five_minutes_from_now_either_way_are_stale(int offsetSeconds, MuxSignatureCheck expected)
    {
        var signedAt = Seconds(Now) + offsetSeconds;
        var header = $"t={signedAt},v1={Hmac(Secret, signedAt, Body)}";

        Assert.Equal(expected, MuxWebhookVerifier.Verify(header, Body, Secret, Now));
    }

    [Fact]
    public void Correctly_signed_timestamp_in_the_far_future_is_stale_not_an_error()
    {
        const long farFuture = 99_999_999_999;

        Assert.Equal(MuxSignatureCheck.Stale, MuxWebhookVerifier.Verify($"t={farFuture},v1={Hmac(Secret, farFuture, Body)}", Body, Secret, Now));
    }

    [Fact]
    public void Any_matching_v1_among_several_is_enough()
    {
        var good = Hmac(Secret, Seconds(Now), Body);
        var bad = Hmac("rotated-out-secret", Seconds(Now), Body);

        Assert.Equal(MuxSignatureCheck.Valid, MuxWebhookVerifier.Verify($"t={Seconds(Now)},v1={bad},v1={good}", Body, Secret, Now));
        Assert.Equal(MuxSignatureCheck.Valid, MuxWebhookVerifier.Verify($"t={Seconds(Now)},v1={good},v1={bad}", Body, Secret, Now));
        Assert.Equal(MuxSignatureCheck.WrongSignature, MuxWebhookVerifier.Verify($"t={Seconds(Now)},v1={bad},v1={bad}", Body, Secret, Now));
    }

    [Fact]
    public void Spaces_after_commas_unknown_schemes_and_upper_case_hex_are_tolerated()
    {
        var signature = Hmac(Secret, Seconds(Now), Body).ToUpperInvariant();
        var header = $"t={Seconds(Now)}, v0=deadbeef, v1={signature}";

        Assert.Equal(MuxSignatureCheck.Valid, MuxWebhookVerifier.Verify(header, Body, Secret, Now));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Absent_header_is_missing(string? header)
    {
        Assert.Equal(MuxSignatureCheck.Missing, MuxWebhookVerifier.Verify(header, Body, Secret, Now));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("t=1772443862")]
    [InlineData("v1=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("t=abc,v1=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("t=-5,v1=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("t=,v1=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("t=999999999999,v1=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("t=99999999999999999999,v1=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("t=1772443862,t=1772443862,v1=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("t=1772443862,v1=abc")]
    [InlineData("t=1772443862,v1=zz00000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("t=1772443862,v1=")]
    [InlineData("t=1772443862,=abc")]
    [InlineData("t=1772443862;v1=0000000000000000000000000000000000000000000000000000000000000000")]
    public void Header_not_of_the_documented_form_is_malformed(string header)
    {
        Assert.Equal(MuxSignatureCheck.Malformed, MuxWebhookVerifier.Verify(header, Body, Secret, Now));
    }

    [Fact]
    public void An_empty_secret_is_a_configuration_error_not_a_refusal()
    {
        Assert.Throws<ArgumentException>(() => MuxWebhookVerifier.Verify("t=1,v1=00", Body, "", Now));
    }

    private static long Seconds(DateTimeOffset at) => at.ToUnixTimeSeconds();

    private static string Hmac(string secret, long timestamp, byte[] body)
    {
        var payload = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".").Concat(body).ToArray();
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), payload));
    }
}
