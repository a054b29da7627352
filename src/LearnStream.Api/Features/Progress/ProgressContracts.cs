using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace LearnStream.Api.Features.Progress;

// Numbers arrive typed: text that is not a number, or a fraction where an integer belongs, fails JSON binding,
// which the exception handler answers with a 400 naming the field. Everything else is checked in
// ProgressRequests.Validate, so one answer lists every wrong field. Settable properties rather than a
// constructor: the serializer's plain object path binds them with less work, on the busiest route.
public sealed record BeatRequest
{
    public string? SessionId { get; init; }
    public long? Sequence { get; init; }
    public double? Position { get; init; }
    public List<double[]?>? Watched { get; init; }
    public string? Event { get; init; }

    /// <summary>
    /// Binds the body as the framework's JSON binding would (the same serializer options, and a 400 for
    /// unreadable JSON through the same exception handler), but reads the body whole and then deserializes
    /// it in one synchronous pass: a beat is about a hundred bytes, and the framework's resumable reading
    /// over the request pipe cost more than the JSON itself on the busiest route. The route's
    /// <c>Accepts</c> metadata keeps the OpenAPI body and has routing answer another content type with
    /// 415; the body's size limit applies as to any read (RequestBodyLimitMiddleware).
    /// </summary>
    public static async ValueTask<BeatRequest?> BindAsync(HttpContext context)
    {
        var body = context.Request.BodyReader;
        var read = await body.ReadAsync(context.RequestAborted);
        while (!read.IsCompleted)
        {
            body.AdvanceTo(read.Buffer.Start, read.Buffer.End);
            read = await body.ReadAsync(context.RequestAborted);
        }
        try
        {
            if (read.Buffer.IsSingleSegment && TryReadUsual(read.Buffer.FirstSpan, out var usual))
            {
                return usual;
            }
            var options = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
            var reader = new Utf8JsonReader(read.Buffer, new JsonReaderOptions
            {
                AllowTrailingCommas = options.AllowTrailingCommas,
                CommentHandling = options.ReadCommentHandling,
                MaxDepth = options.MaxDepth,
            });
            var request = JsonSerializer.Deserialize(ref reader, BeatTypes.GetValue(options, WithWatchedConverter));
            // A reader stops after one value; the framework's binding refuses whatever follows it, and so does this.
            if (reader.Read())
            {
                throw new JsonException("Content follows the JSON value.");
            }
            return request;
        }
        catch (JsonException e)
        {
            throw new BadHttpRequestException("The request body is not valid JSON for this endpoint.", StatusCodes.Status400BadRequest, e);
        }
        finally
        {
            body.AdvanceTo(read.Buffer.End);
        }
    }

    private const int SessionIdSeen = 1, SequenceSeen = 2, PositionSeen = 4, WatchedSeen = 8, EventSeen = 16;

    /// <summary>
    /// Reads a beat in the form players send it: one object of the five properties, each once and named as
    /// the API names them, numbers as JSON numbers, strings as strings, and nothing after the object.
    /// That form binds to the same request as through the serializer, in a fraction of the time on the
    /// busiest route. False for anything else (other names or case, other types, comments, a second value,
    /// a number out of range), which the serializer then reads, and binds or refuses, as ever:
    /// <c>BeatRequestReadingTests</c> holds the two to the same results.
    /// </summary>
    internal static bool TryReadUsual(ReadOnlySpan<byte> body, [NotNullWhen(true)] out BeatRequest? request)
    {
        request = null;
        var reader = new Utf8JsonReader(body);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }
            string? sessionId = null, beatEvent = null;
            long? sequence = null;
            double? position = null;
            List<double[]?>? watched = null;
            var seen = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                int property;
                if (reader.ValueTextEquals("sessionId"u8))
                {
                    property = SessionIdSeen;
                }
                else if (reader.ValueTextEquals("sequence"u8))
                {
                    property = SequenceSeen;
                }
                else if (reader.ValueTextEquals("position"u8))
                {
                    property = PositionSeen;
                }
                else if (reader.ValueTextEquals("watched"u8))
                {
                    property = WatchedSeen;
                }
                else if (reader.ValueTextEquals("event"u8))
                {
                    property = EventSeen;
                }
                else
                {
                    return false;
                }
                if ((seen & property) != 0 || !reader.Read())
                {
                    return false;
                }
                seen |= property;
                var isNull = reader.TokenType == JsonTokenType.Null;
                switch (property)
                {
                    case SessionIdSeen when isNull || reader.TokenType == JsonTokenType.String:
                        sessionId = reader.GetString();
                        break;
                    case EventSeen when isNull || reader.TokenType == JsonTokenType.String:
                        beatEvent = reader.GetString();
                        break;
                    case SequenceSeen when isNull:
                    case PositionSeen when isNull:
                    case WatchedSeen when isNull:
                        break;
                    case SequenceSeen when reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var number):
                        sequence = number;
                        break;
                    case PositionSeen when reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var seconds):
                        position = seconds;
                        break;
                    case WatchedSeen when reader.TokenType == JsonTokenType.StartArray && TryReadWatched(ref reader, out watched):
                        break;
                    default:
                        return false;
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return false;
            }
            request = new BeatRequest { SessionId = sessionId, Sequence = sequence, Position = position, Watched = watched, Event = beatEvent };
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false; // not JSON this reader takes (or text it cannot decode): the serializer reads it and says why
        }
    }

    /// <summary>The pairs, from the list's start to its end; false for anything but nulls and arrays of JSON numbers.</summary>
    private static bool TryReadWatched(ref Utf8JsonReader reader, [NotNullWhen(true)] out List<double[]?>? watched)
    {
        watched = [];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                watched.Add(null);
                continue;
            }
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                return false;
            }
            double start = 0, end = 0;
            var count = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                // A pair of more than two numbers is refused by validation anyway: the serializer reads it.
                if (reader.TokenType != JsonTokenType.Number || count == 2 || !reader.TryGetDouble(out var value))
                {
                    return false;
                }
                if (count++ == 0)
                {
                    start = value;
                }
                else
                {
                    end = value;
                }
            }
            watched.Add(count switch { 0 => [], 1 => [start], _ => [start, end] });
        }
        return reader.TokenType == JsonTokenType.EndArray;
    }

    /// <summary>Per set of the API's serializer options, the beat's type as read with <see cref="WatchedConverter"/>.</summary>
    private static readonly ConditionalWeakTable<JsonSerializerOptions, JsonTypeInfo<BeatRequest>> BeatTypes = new();

    // Only this reading takes the converter: the API's own options, which describe the body in the OpenAPI
    // document, keep the list's schema.
    private static JsonTypeInfo<BeatRequest> WithWatchedConverter(JsonSerializerOptions options) =>
        (JsonTypeInfo<BeatRequest>)new JsonSerializerOptions(options) { Converters = { new WatchedConverter() } }.GetTypeInfo(typeof(BeatRequest));
}

/// <summary>
/// Reads <see cref="BeatRequest.Watched"/> as the serializer would, each [start, end] pair as a value of
/// its own: a list of arrays inside the beat is three levels deep, and from the second level on the
/// serializer allocates a stack for its reading state, more than half a kilobyte on every beat, and each
/// pair grew a list before its array. The converter reads the list and its pairs itself and only each
/// number with the serializer, with the same options as before (numbers in strings too), and anything
/// else is the same <see cref="JsonException"/>.
/// </summary>
public sealed class WatchedConverter : JsonConverter<List<double[]?>>
{
    public override List<double[]?> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("watched is a list of [start, end] pairs.");
        }
        var number = (JsonTypeInfo<double>)options.GetTypeInfo(typeof(double));
        var watched = new List<double[]?>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            watched.Add(ReadPair(ref reader, number));
        }
        return watched;
    }

    /// <summary>One pair, each number read by the serializer, as an array of its own length (two, unless malformed).</summary>
    private static double[]? ReadPair(ref Utf8JsonReader reader, JsonTypeInfo<double> number)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("Each interval is a [start, end] pair.");
        }
        double start = 0, end = 0;
        List<double>? more = null;
        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var value = JsonSerializer.Deserialize(ref reader, number);
            switch (count++)
            {
                case 0:
                    start = value;
                    break;
                case 1:
                    end = value;
                    break;
                default:
                    (more ??= [start, end]).Add(value);
                    break;
            }
        }
        return count switch
        {
            0 => [],
            1 => [start],
            2 => [start, end],
            _ => [.. more!],
        };
    }

    /// <summary>Beats are only read; written, the list is what the serializer writes for it.</summary>
    public override void Write(Utf8JsonWriter writer, List<double[]?> value, JsonSerializerOptions options)
    {
        var pair = (JsonTypeInfo<double[]?>)options.GetTypeInfo(typeof(double[]));
        writer.WriteStartArray();
        foreach (var item in value)
        {
            JsonSerializer.Serialize(writer, item, pair);
        }
        writer.WriteEndArray();
    }
}

public sealed record LessonProgressResponse(string LessonId, double Position, double WatchedSeconds, double Percent, bool Completed)
{
    public static LessonProgressResponse From(ProgressSummary state) =>
        new(state.LessonId, state.Position, state.WatchedSeconds, state.Percent, state.Completed);
}

public sealed record LessonProgressItem(string LessonId, double Percent, bool Completed, double Position);

public sealed record CourseProgressResponse(
    string CourseId, double Percent, int CompletedLessons, int TotalLessons, string? NextLessonId, DateTimeOffset? CompletedAt,
    IReadOnlyList<LessonProgressItem> Lessons);

public sealed record MyCourseProgress(
    string CourseId, string CourseTitle, string Slug, double Percent, int CompletedLessons, int TotalLessons, string? NextLessonId,
    DateTimeOffset? CompletedAt, DateTimeOffset? LastWatchedAt);

/// <summary>A lesson the learner watched; titles are null when the lesson or its course was deleted since.</summary>
public sealed record HistoryItem(
    string LessonId, string CourseId, string? LessonTitle, string? CourseTitle, double Position, double Percent, bool Completed,
    DateTimeOffset LastWatchedAt);

public static class ProgressRequests
{
    public const int MaxSessionIdLength = 64;
    public const int MaxIntervals = 64;

    private static readonly Dictionary<string, BeatEvent> Events = new(StringComparer.OrdinalIgnoreCase)
    {
        ["heartbeat"] = BeatEvent.Heartbeat,
        ["play"] = BeatEvent.Play,
        ["pause"] = BeatEvent.Pause,
        ["seek"] = BeatEvent.Seek,
        ["ended"] = BeatEvent.Ended,
    };

    /// <summary>The beat the request stands for, or the errors per field.</summary>
    public static (ProgressBeat? Beat, Dictionary<string, string[]>? Errors) Validate(BeatRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.SessionId) || request.SessionId.Length > MaxSessionIdLength)
        {
            errors["sessionId"] = [$"sessionId is required, 1 to {MaxSessionIdLength} characters."];
        }
        if (request.Sequence is not >= 0)
        {
            errors["sequence"] = ["sequence is required, an integer of 0 or more."];
        }
        if (request.Position is not { } position || !double.IsFinite(position) || position < 0)
        {
            errors["position"] = ["position is required, a number of seconds of 0 or more."];
        }
        var watched = ValidateWatched(request.Watched, errors);
        BeatEvent beatEvent = default;
        if (request.Event is null || !Events.TryGetValue(request.Event, out beatEvent))
        {
            errors["event"] = ["event is required, one of heartbeat, play, pause, seek, ended."];
        }
        return errors.Count > 0
            ? (null, errors)
            : (new ProgressBeat(request.SessionId!, request.Sequence!.Value, request.Position!.Value, watched, beatEvent), null);
    }

    private static List<Interval> ValidateWatched(List<double[]?>? watched, Dictionary<string, string[]> errors)
    {
        if (watched is null)
        {
            errors["watched"] = ["watched is required: a list of [start, end] pairs in seconds (it may be empty)."];
            return [];
        }
        if (watched.Count > MaxIntervals)
        {
            errors["watched"] = [$"watched holds at most {MaxIntervals} intervals."];
            return [];
        }
        var intervals = new List<Interval>(watched.Count);
        foreach (var pair in watched)
        {
            if (pair is not [var start, var end] || !double.IsFinite(start) || !double.IsFinite(end) || start < 0 || start > end)
            {
                errors["watched"] = ["Each interval is [start, end]: two numbers with 0 <= start <= end."];
                return [];
            }
            intervals.Add(new Interval(start, end));
        }
        return intervals;
    }
}
