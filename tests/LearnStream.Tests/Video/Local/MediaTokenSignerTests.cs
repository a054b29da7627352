using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using LearnStream.Api.Features.Video.Local;
using Microsoft.Extensions.Time.Testing;

namespace LearnStream.Tests.Video.Local;

public class MediaTokenSignerTests
{
    private const string Lesson = "6f1c2e0a-4b7d-4e55-9a43-1d2f3c4b5a69";
    private const string Viewer = "0b8e5d2c-7a1f-4c3e-8d9b-2e4f6a8c0d1e";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero));
    private readonly MediaTokenSigner _signer = new(RandomNumberGenerator.GetBytes(32));

    private DateTimeOffset InTenMinutes => _time.GetUtcNow().AddMinutes(10);

    [Fact]
    public void Issued_token_is_valid_for_its_lesson_and_names_the_viewer()
    {
        var token = _signer.Issue(Lesson, Viewer, InTenMinutes);

        var result = _signer.Validate(token, Lesson, _time.GetUtcNow());

        Assert.Equal(MediaTokenStatus.Valid, result.Status);
        Assert.True(result.IsValid);
        Assert.Equal(Viewer, result.ViewerId);
        Assert.Equal(InTenMinutes, result.ExpiresAt);
    }

    [Fact]
    public void Anonymous_preview_token_is_valid_with_an_empty_viewer()
    {
        var token = _signer.Issue(Lesson, "", InTenMinutes);

        var result = _signer.Validate(token, Lesson, _time.GetUtcNow());

        Assert.True(result.IsValid);
        Assert.Equal("", result.ViewerId);
    }

    [Fact]
    public void Token_is_url_safe_text_that_needs_no_escaping()
    {
        var token = _signer.Issue("lesson with spaces/and?query&é", Viewer, InTenMinutes);

        Assert.Equal(token, Uri.EscapeDataString(token));
        Assert.Single(token, '.');
    }

    [Fact]
    public void Token_for_one_lesson_never_opens_another()
    {
        var token = _signer.Issue(Lesson, Viewer, InTenMinutes);

        var result = _signer.Validate(token, "another-lesson", _time.GetUtcNow());

        Assert.Equal(MediaTokenStatus.OtherLesson, result.Status);
        Assert.False(result.IsValid);
        Assert.Null(result.ViewerId);
    }

    [Fact]
    public void Lesson_ids_are_compared_exactly_not_by_prefix_or_case()
    {
        var token = _signer.Issue("lesson-1", Viewer, InTenMinutes);

        Assert.Equal(MediaTokenStatus.OtherLesson, _signer.Validate(token, "lesson-10", _time.GetUtcNow()).Status);
        Assert.Equal(MediaTokenStatus.OtherLesson, _signer.Validate(token, "LESSON-1", _time.GetUtcNow()).Status);
    }

    [Fact]
    public void Token_is_valid_until_the_second_before_expiry_and_expired_from_then_on()
    {
        var token = _signer.Issue(Lesson, Viewer, InTenMinutes);

        _time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        Assert.True(_signer.Validate(token, Lesson, _time.GetUtcNow()).IsValid);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(MediaTokenStatus.Expired, _signer.Validate(token, Lesson, _time.GetUtcNow()).Status);
    }

    [Fact]
    public void Tampered_payload_is_refused_even_when_well_formed()
    {
        var token = _signer.Issue(Lesson, Viewer, InTenMinutes);
        var (payload, mac) = Split(token);
        // Push the expiry a day later and keep the original MAC.
        var expiry = (byte[])payload.Clone();
        expiry[8] ^= 0x01;
        var swapped = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(payload).Replace(Viewer, Viewer.ToUpperInvariant(), StringComparison.Ordinal));

        Assert.Equal(MediaTokenStatus.BadMac, _signer.Validate(Join(expiry, mac), Lesson, _time.GetUtcNow()).Status);
        Assert.Equal(MediaTokenStatus.BadMac, _signer.Validate(Join(swapped, mac), Lesson, _time.GetUtcNow()).Status);
    }

    [Fact]
    public void Tampered_mac_is_refused()
    {
        var (payload, mac) = Split(_signer.Issue(Lesson, Viewer, InTenMinutes));
        mac[^1] ^= 0x80;

        var result = _signer.Validate(Join(payload, mac), Lesson, _time.GetUtcNow());

        Assert.Equal(MediaTokenStatus.BadMac, result.Status);
    }

    [Fact]
    public void Changing_any_single_character_of_a_token_makes_it_invalid()
    {
        var token = _signer.Issue(Lesson, Viewer, InTenMinutes);

        // Every alphabet character at every position, so the spare low bits of the last characters are tried too.
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
        for (var i = 0; i < token.Length; i++)
        {
            foreach (var replacement in alphabet.Where(c => c != token[i]))
            {
                var edited = string.Concat(token.AsSpan(0, i), [replacement], token.AsSpan(i + 1));
                Assert.False(_signer.Validate(edited, Lesson, _time.GetUtcNow()).IsValid, $"'{replacement}' at {i} was accepted");
            }
        }
    }

    [Fact]
    public void Token_signed_with_another_key_is_refused()
    {
        var impostor = new MediaTokenSigner(RandomNumberGenerator.GetBytes(32));

        var result = _signer.Validate(impostor.Issue(Lesson, Viewer, InTenMinutes), Lesson, _time.GetUtcNow());

        Assert.Equal(MediaTokenStatus.BadMac, result.Status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData(".")]
    [InlineData("abc.")]
    [InlineData(".abc")]
    [InlineData("a.b.c")]
    [InlineData("!!!!.####")]
    [InlineData("AQ.AQ")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJsZXNzb24iOiJ4In0.")]
    public void Garbage_is_refused_as_malformed(string? token)
    {
        var result = _signer.Validate(token, Lesson, _time.GetUtcNow());

        Assert.Equal(MediaTokenStatus.Malformed, result.Status);
    }

    [Fact]
    public void Padded_or_oversized_tokens_are_refused_as_malformed()
    {
        var token = _signer.Issue(Lesson, Viewer, InTenMinutes);

        Assert.Equal(MediaTokenStatus.Malformed, _signer.Validate(token + "=", Lesson, _time.GetUtcNow()).Status);
        Assert.Equal(MediaTokenStatus.Malformed, _signer.Validate(new string('A', 5000) + "." + token, Lesson, _time.GetUtcNow()).Status);
    }

    [Fact]
    public void A_key_shorter_than_32_bytes_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => new MediaTokenSigner(new byte[31]));
    }

    [Fact]
    public void Changing_the_callers_key_array_later_does_not_change_the_signer()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var signer = new MediaTokenSigner(key);
        var token = signer.Issue(Lesson, Viewer, InTenMinutes);

        Array.Clear(key);

        Assert.True(signer.Validate(token, Lesson, _time.GetUtcNow()).IsValid);
    }

    [Fact]
    public void Issuing_for_an_empty_lesson_or_an_oversized_id_is_an_error()
    {
        Assert.Throws<ArgumentException>(() => _signer.Issue("", Viewer, InTenMinutes));
        Assert.Throws<ArgumentException>(() => _signer.Issue(new string('x', MediaTokenSigner.MaxIdBytes + 1), Viewer, InTenMinutes));
    }

    private static (byte[] Payload, byte[] Mac) Split(string token)
    {
        var parts = token.Split('.');
        return (Base64Url.DecodeFromChars(parts[0]), Base64Url.DecodeFromChars(parts[1]));
    }

    private static string Join(byte[] payload, byte[] mac) => $"{Base64Url.EncodeToString(payload)}.{Base64Url.EncodeToString(mac)}";
}
