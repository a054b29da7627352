using System.Buffers;
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
    [ThreadStatic]
    private static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer)? t_writer;

    /// <summary>
    /// UTF-8, as Redis stores it: no text to encode on the way out or decode on the way back. Written field by
    /// field rather than through <see cref="BufferedState"/>, which a push would build for every pair it sends
    /// (a record per session mark, the intervals copied flat) only to serialize and drop; the JSON is the same,
    /// byte for byte, as the serializer writes for it.
    /// </summary>
    public static byte[] Serialize(LessonProgress state) =>
        Serialize(state.UserId, state.CourseId, state.LessonId, state.Watched.Span,
            state.Sessions is SessionMark[] marks ? marks : [.. state.Sessions],
            state.Duration, state.CompletedAt, state.FirstWatchedAt, state.LastWatchedAt);

    /// <summary>A state given by its parts (a <see cref="MergedProgress"/> has no <see cref="LessonProgress"/> to give).</summary>
    internal static byte[] Serialize(Guid userId, string courseId, string lessonId, ReadOnlySpan<Interval> watched, ReadOnlySpan<SessionMark> sessions,
        double? duration, DateTimeOffset? completedAt, DateTimeOffset firstWatchedAt, DateTimeOffset lastWatchedAt) =>
        Write(userId, courseId, lessonId, watched, sessions, duration, completedAt, firstWatchedAt, lastWatchedAt).ToArray();

    /// <summary>
    /// The same JSON appended to <paramref name="output"/>, with its length: a push writes every pair's state
    /// into one buffer of its own, which it needs only until Redis has answered, instead of an array per pair.
    /// </summary>
    internal static int SerializeInto(IBufferWriter<byte> output, Guid userId, string courseId, string lessonId, ReadOnlySpan<Interval> watched,
        ReadOnlySpan<SessionMark> sessions, double? duration, DateTimeOffset? completedAt, DateTimeOffset firstWatchedAt, DateTimeOffset lastWatchedAt)
    {
        var json = Write(userId, courseId, lessonId, watched, sessions, duration, completedAt, firstWatchedAt, lastWatchedAt);
        output.Write(json);
        return json.Length;
    }

    /// <summary>The JSON in the calling thread's buffer, which the next call on the thread overwrites.</summary>
    private static ReadOnlySpan<byte> Write(Guid userId, string courseId, string lessonId, ReadOnlySpan<Interval> watched, ReadOnlySpan<SessionMark> sessions,
        double? duration, DateTimeOffset? completedAt, DateTimeOffset firstWatchedAt, DateTimeOffset lastWatchedAt)
    {
        var (buffer, writer) = t_writer ??= (new ArrayBufferWriter<byte>(512), new Utf8JsonWriter(Stream.Null));
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        writer.WriteStartObject();
        writer.WriteString("u"u8, userId);
        writer.WriteString("c"u8, courseId);
        writer.WriteString("l"u8, lessonId);
        writer.WriteStartArray("w"u8);
        foreach (var interval in watched)
        {
            writer.WriteNumberValue(interval.Start);
            writer.WriteNumberValue(interval.End);
        }
        writer.WriteEndArray();
        writer.WriteStartArray("s"u8);
        foreach (var mark in sessions)
        {
            writer.WriteStartObject();
            writer.WriteString("i"u8, mark.Id);
            writer.WriteNumber("t"u8, mark.StartedAt.UtcTicks);
            writer.WriteNumber("q"u8, mark.Sequence);
            writer.WriteNumber("p"u8, mark.Position);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        if (duration is { } d)
        {
            writer.WriteNumber("d"u8, d);
        }
        if (completedAt is { } completed)
        {
            writer.WriteNumber("x"u8, completed.UtcTicks);
        }
        writer.WriteNumber("f"u8, firstWatchedAt.UtcTicks);
        writer.WriteNumber("a"u8, lastWatchedAt.UtcTicks);
        writer.WriteEndObject();
        writer.Flush();
        return buffer.WrittenSpan;
    }

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
