using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CsCheck;
using LearnStream.Api.Features.Progress;

namespace LearnStream.Tests.Progress;

/// <summary>
/// The beat's quick reading (<see cref="BeatRequest.TryReadUsual"/>) may only take bodies that the
/// serializer binds, and must bind them to the same request; anything else it leaves to the serializer.
/// Bodies are generated from fragments players and attackers send: the usual names and others, numbers,
/// numbers in strings, nulls, wrong types, duplicates, escapes and trailing content.
/// </summary>
public sealed class BeatRequestReadingTests
{
    private static readonly JsonSerializerOptions Api = new(JsonSerializerDefaults.Web) { MaxDepth = 32 };
    private static readonly JsonSerializerOptions Written = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private static readonly Gen<string> GenName = Gen.OneOf(
        Gen.OneOf("sessionId", "sequence", "position", "watched", "event").Select(n => $"\"{n}\""),
        Gen.OneOf("\"SessionId\"", "\"SEQUENCE\"", "\"Position\"", "\"session\\u0049d\"", "\"extra\"", "\"\"", "\"watched \""));

    private static readonly Gen<string> GenNumber = Gen.OneOf(
        Gen.Int[-5, 100_000].Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.Double[0, 1000].Select(d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
        Gen.OneOf("2.0", "1e2", "-0", "1e999", "99999999999999999999", "0.1", "-3.5", "12.500"));

    private static readonly Gen<string> GenString = Gen.OneOf(
        Gen.OneOf("\"s1\"", "\"\"", "\"heartbeat\"", "\"PAUSE\"", "\"caf\\u00e9\"", "\"a\\\"b\"", "\"10\"", "\"NaN\"", "\"x\""),
        Gen.String[Gen.Char.AlphaNumeric, 0, 70].Select(t => $"\"{t}\""));

    private static readonly Gen<string> GenPair = Gen.OneOf(
        Gen.Select(GenNumber, GenNumber, (a, b) => $"[{a},{b}]"),
        Gen.OneOf("[]", "[1]", "[0,10,20]", "null", "[0,\"10\"]", "[0,null]", "[[1]]", "{}", "7"));

    private static readonly Gen<string> GenValue = Gen.OneOf(
        GenNumber, GenString, GenPair.Array[0, 4].Select(p => $"[{string.Join(",", p)}]"),
        Gen.OneOf("null", "true", "{}", "[]", "{\"a\":[1]}"));

    // A property as players send it (most of the time), or another name or value.
    private static readonly Gen<string> GenProperty = Gen.Frequency(
        (3, Gen.OneOf(
            GenString.Select(v => "\"sessionId\":" + v), GenNumber.Select(v => "\"sequence\":" + v), GenNumber.Select(v => "\"position\":" + v),
            GenPair.Array[0, 4].Select(p => $"\"watched\":[{string.Join(",", p)}]"), GenString.Select(v => "\"event\":" + v))),
        (1, Gen.Select(GenName, GenValue, (name, value) => $"{name}:{value}")));

    private static readonly Gen<string> GenBody = Gen.Select(
        GenProperty.Array[0, 7],
        Gen.Frequency((6, Gen.Const("")), (1, Gen.OneOf(" ", "\n", " {}", "x", ",", "/* c */"))),
        Gen.Bool,
        (properties, tail, spaced) => "{" + string.Join(spaced ? " , " : ",", properties) + "}" + tail);

    private const string Usual = """{"sessionId":"bench-run-1-2","sequence":412,"position":130,"watched":[[120,130]],"event":"heartbeat"}""";

    [Fact]
    public void A_body_read_quickly_binds_to_what_the_serializer_binds_it_to()
    {
        var (read, left) = (0, 0);
        GenBody.Sample(body =>
        {
            if (!BeatRequest.TryReadUsual(Encoding.UTF8.GetBytes(body), out var quick))
            {
                Interlocked.Increment(ref left); // left to the serializer
                return;
            }
            Interlocked.Increment(ref read);
            var bound = JsonSerializer.Deserialize<BeatRequest>(body, Api);
            Assert.NotNull(bound);
            Assert.Equal(Canonical(bound), Canonical(quick));
        }, iter: 20_000);
        // Both sides of the reading are exercised, not just one.
        Assert.True(read > 1000 && left > 1000, $"{read} read quickly, {left} left to the serializer");
    }

    [Fact]
    public void The_usual_body_is_read_quickly_and_other_forms_are_left_to_the_serializer()
    {
        Assert.True(BeatRequest.TryReadUsual(Encoding.UTF8.GetBytes(Usual), out var quick));
        Assert.Equal(Canonical(JsonSerializer.Deserialize<BeatRequest>(Usual, Api)!), Canonical(quick));
        Assert.True(BeatRequest.TryReadUsual(Encoding.UTF8.GetBytes("""{"sessionId":null,"watched":[null,[],[1]],"event":"pa\u0075se"}"""), out var odd));
        Assert.Equal(("pause", 3), (odd.Event, odd.Watched!.Count));
        foreach (var other in new[]
        {
            Usual.Replace("\"sequence\"", "\"Sequence\"", StringComparison.Ordinal), // the serializer matches names in any case
            Usual.Replace("412", "\"412\"", StringComparison.Ordinal), // a number in a string
            Usual.Replace("}", ",\"extra\":1}", StringComparison.Ordinal),
            Usual.Replace("}", ",\"event\":\"pause\"}", StringComparison.Ordinal), // the last of two wins there
            Usual + " {}",
            Usual.Replace("{", "{/* beat */", StringComparison.Ordinal),
            Usual.Replace("[[120,130]]", "[[120,130,140]]", StringComparison.Ordinal),
            "null",
            "",
        })
        {
            Assert.False(BeatRequest.TryReadUsual(Encoding.UTF8.GetBytes(other), out _), other);
        }
    }

    private static string Canonical(BeatRequest request) => JsonSerializer.Serialize(request, Written);
}
