using System.Text.Json;
using System.Text.Json.Serialization;

namespace LearnStream.Api.Features.Progress;

/// <summary>
/// The compact form of a <see cref="LessonProgress"/> in the Redis buffer. Short names because every
/// beat pushes one; times as UTC ticks and doubles in round-trip form, so a state read back merges to
/// exactly what was written.
/// </summary>
public static class BufferedProgressJson
{
    /// <summary>UTF-8, as Redis stores it: no text to encode on the way out or decode on the way back.</summary>
    public static byte[] Serialize(LessonProgress state) =>
        JsonSerializer.SerializeToUtf8Bytes(new BufferedState(
            state.UserId, state.CourseId, state.LessonId, state.Watched.ToFlat(),
            [.. state.Sessions.Select(s => new BufferedSession(s.Id, s.StartedAt.UtcTicks, s.Sequence, s.Position))],
            state.Duration, state.CompletedAt?.UtcTicks, state.FirstWatchedAt.UtcTicks, state.LastWatchedAt.UtcTicks),
            BufferedProgressJsonContext.Default.BufferedState);

    public static LessonProgress Deserialize(ReadOnlySpan<byte> json)
    {
        var s = JsonSerializer.Deserialize(json, BufferedProgressJsonContext.Default.BufferedState)
            ?? throw new JsonException("Empty buffered progress.");
        return new LessonProgress
        {
            UserId = s.U,
            CourseId = s.C,
            LessonId = s.L,
            Watched = WatchedIntervals.FromFlat(s.W),
            Sessions = [.. s.S.Select(m => new SessionMark(m.I, FromTicks(m.T), m.Q, m.P))],
            Duration = s.D,
            CompletedAt = s.X is { } completed ? FromTicks(completed) : null,
            FirstWatchedAt = FromTicks(s.F),
            LastWatchedAt = FromTicks(s.A),
        };
    }

    private static DateTimeOffset FromTicks(long ticks) => new(ticks, TimeSpan.Zero);
}

internal sealed record BufferedState(
    [property: JsonPropertyName("u")] Guid U,
    [property: JsonPropertyName("c")] string C,
    [property: JsonPropertyName("l")] string L,
    [property: JsonPropertyName("w")] double[] W,
    [property: JsonPropertyName("s")] BufferedSession[] S,
    [property: JsonPropertyName("d")] double? D,
    [property: JsonPropertyName("x")] long? X,
    [property: JsonPropertyName("f")] long F,
    [property: JsonPropertyName("a")] long A);

internal sealed record BufferedSession(
    [property: JsonPropertyName("i")] string I,
    [property: JsonPropertyName("t")] long T,
    [property: JsonPropertyName("q")] long Q,
    [property: JsonPropertyName("p")] double P);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BufferedState))]
internal sealed partial class BufferedProgressJsonContext : JsonSerializerContext;
