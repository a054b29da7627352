using System.Text.Json;
using System.Text.Json.Serialization;
using LearnStream.Api.Features.Progress;

namespace LearnStream.Tests.Progress;

/// <summary>
/// The beat's watched list read with <see cref="WatchedConverter"/> must bind exactly as the serializer
/// binds it without: the same lists from the same bodies, and a <see cref="JsonException"/> from the same bodies.
/// </summary>
public sealed class WatchedConverterTests
{
    // The API's serializer defaults (numbers may come as strings, as with every other number of the API).
    private static readonly JsonSerializerOptions Plain = new(JsonSerializerDefaults.Web);
    private static readonly JsonSerializerOptions Converted = new(JsonSerializerDefaults.Web) { Converters = { new WatchedConverter() } };

    // Both bind "NaN", "Infinity" and 1e999 (validation refuses them after), so the lists are compared as written with those.
    private static readonly JsonSerializerOptions Written = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static TheoryData<string> Watched =>
    [
        "[[0,10]]",
        "[[0,10],[20,25.5],[30,30]]",
        "[]",
        "null",
        "[null]",
        "[[0,10],null,[5,6]]",
        "[[]]",
        "[[1]]",
        "[[0,10,20]]",
        "[[0,10,20,30,40]]",
        """[[0,"10",20]]""",
        "[[0,[]]]",
        "[[\"\"]]",
        """[["0","10"]]""",
        """[[0,"x"]]""",
        """[[0,"NaN"]]""",
        """[[0,"Infinity"]]""",
        "[[0,null]]",
        "[[0,1e999]]",
        "[[-5,0]]",
        """[[0,{"a":1}]]""",
        "[[0,[1]]]",
        "[0,10]",
        "\"0-10\"",
        "{}",
        "7",
        "[[0,10]",
        "[[0,10],]",
    ];

    [Theory]
    [MemberData(nameof(Watched))]
    public void A_watched_list_binds_as_the_serializer_binds_it_without_the_converter(string watched)
    {
        var body = $$"""{"sessionId":"s1","sequence":2,"position":10,"watched":{{watched}},"event":"heartbeat"}""";

        var plain = Read(body, Plain);
        var converted = Read(body, Converted);

        Assert.Equal(plain.Error, converted.Error);
        Assert.Equal(plain.Watched, converted.Watched);
    }

    [Fact]
    public void The_rest_of_the_beat_binds_as_before_around_the_list()
    {
        const string body = """{"watched":[[1,2]],"SESSIONID":"s1","sequence":"4","position":10.5,"event":"pause","extra":[[1]]}""";

        var request = JsonSerializer.Deserialize<BeatRequest>(body, Converted)!;

        Assert.Equal(JsonSerializer.Deserialize<BeatRequest>(body, Plain)! with { Watched = null }, request with { Watched = null });
        Assert.Equal([[1.0, 2.0]], request.Watched!);
    }

    private static (string? Watched, bool Error) Read(string body, JsonSerializerOptions options)
    {
        try
        {
            return (JsonSerializer.Serialize(JsonSerializer.Deserialize<BeatRequest>(body, options)!.Watched, Written), false);
        }
        catch (JsonException)
        {
            return (null, true);
        }
    }
}
