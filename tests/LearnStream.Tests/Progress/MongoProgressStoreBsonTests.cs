using LearnStream.Api.Features.Progress;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;

namespace LearnStream.Tests.Progress;

/// <summary>
/// The stored shape of progress and what MongoProgressStore sends, rendered to BSON without a server:
/// a misspelt element name or a user id in another representation would otherwise match nothing silently.
/// </summary>
public class MongoProgressStoreBsonTests
{
    private static readonly Guid User = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
    private static readonly DateTimeOffset At = new(2026, 3, 1, 9, 15, 30, 123, TimeSpan.Zero);

    private static readonly RenderArgs<ProgressDocument> Args = new(
        BsonSerializer.SerializerRegistry.GetSerializer<ProgressDocument>(), BsonSerializer.SerializerRegistry);

    private static readonly RenderArgs<ActivityDocument> ActivityArgs = new(
        BsonSerializer.SerializerRegistry.GetSerializer<ActivityDocument>(), BsonSerializer.SerializerRegistry);

    private static BsonBinaryData Uuid(Guid id) => new(id, GuidRepresentation.Standard);

    private static LessonProgress Sample() => new()
    {
        UserId = User,
        CourseId = "c1",
        LessonId = "l1",
        Watched = WatchedIntervals.From([new Interval(0, 30), new Interval(60, 90.4)]),
        Sessions = [new SessionMark("s2", At.AddMinutes(5), 4, 75.25), new SessionMark("s1", At, 9, 12.5)],
        Duration = 600.125,
        CompletedAt = At.AddMinutes(9),
        FirstWatchedAt = At,
        LastWatchedAt = At.AddMinutes(10),
    };

    [Fact]
    public void Progress_document_has_the_fixed_element_names_and_types()
    {
        var bson = ProgressDocument.From(Sample(), version: 3).ToBsonDocument();

        var expected = new BsonDocument
        {
            { "_id", "0f8fad5bd9cb469fa16570867728950e:l1" },
            { "userId", Uuid(User) },
            { "courseId", "c1" },
            { "lessonId", "l1" },
            { "watched", new BsonArray { new BsonArray { 0.0, 30.0 }, new BsonArray { 60.0, 90.0 } } },
            {
                "sessions", new BsonArray
                {
                    new BsonDocument { { "id", "s2" }, { "startedAt", new BsonDateTime(At.AddMinutes(5).UtcDateTime) }, { "sequence", new BsonInt64(4) }, { "position", 75.25 } },
                    new BsonDocument { { "id", "s1" }, { "startedAt", new BsonDateTime(At.UtcDateTime) }, { "sequence", new BsonInt64(9) }, { "position", 12.5 } },
                }
            },
            { "duration", 600.125 },
            { "watchedSeconds", 60.0 },
            { "position", 75.25 },
            { "completedAt", new BsonDateTime(At.AddMinutes(9).UtcDateTime) },
            { "firstWatchedAt", new BsonDateTime(At.UtcDateTime) },
            { "lastWatchedAt", new BsonDateTime(At.AddMinutes(10).UtcDateTime) },
            { "v", new BsonInt64(3) },
        };
        Assert.Equal(expected, bson);
        Assert.Equal(BsonBinarySubType.UuidStandard, bson["userId"].AsBsonBinaryData.SubType);
    }

    [Fact]
    public void Progress_document_round_trips_every_field()
    {
        var original = Sample();

        var back = BsonSerializer.Deserialize<ProgressDocument>(ProgressDocument.From(original, 1).ToBsonDocument()).ToProgress();

        Assert.True(back.SameProgressAs(original));
        Assert.Equal(original.CompletedAt, back.CompletedAt);
        Assert.Equal(TimeSpan.Zero, back.LastWatchedAt.Offset);
    }

    [Fact]
    public void A_text_lesson_stores_no_duration_or_intervals()
    {
        var bson = ProgressDocument.From(LessonProgress.CompletedText(User, "c1", "l2", At), 1).ToBsonDocument();

        Assert.False(bson.Contains("duration"));
        Assert.Equal(new BsonArray(), bson["watched"]);
        Assert.Null(BsonSerializer.Deserialize<ProgressDocument>(bson).ToProgress().Duration);
    }

    [Fact]
    public void Replace_is_conditional_on_the_id_and_the_version_read()
    {
        var rendered = MongoProgressStore.VersionFilter("k1", 5).Render(Args);

        Assert.Equal(new BsonDocument { { "_id", "k1" }, { "v", new BsonInt64(5) } }, rendered);
        Assert.Equal(BsonType.Int64, rendered["v"].BsonType);
    }

    [Fact]
    public void Batch_read_is_one_in_query_on_the_id()
    {
        Assert.Equal(BsonDocument.Parse("""{ "_id": { "$in": ["a", "b"] } }"""), MongoProgressStore.IdsFilter(["a", "b"]).Render(Args));
    }

    [Fact]
    public void User_filter_matches_the_user_id_as_a_standard_uuid()
    {
        Assert.Equal(new BsonDocument("userId", Uuid(User)), MongoProgressStore.UserFilter(User, null).Render(Args));
    }

    [Fact]
    public void User_filter_with_courses_adds_an_in_on_the_course()
    {
        var rendered = MongoProgressStore.UserFilter(User, ["c1", "c2"]).Render(Args);

        Assert.Equal(new BsonDocument { { "userId", Uuid(User) }, { "courseId", new BsonDocument("$in", new BsonArray { "c1", "c2" }) } }, rendered);
    }

    [Fact]
    public void History_sorts_newest_first_then_by_lesson()
    {
        Assert.Equal(BsonDocument.Parse("""{ "lastWatchedAt": -1, "lessonId": 1 }"""), MongoProgressStore.HistorySort.Render(Args));
    }

    [Fact]
    public void Activity_upsert_filters_on_the_composed_id_and_only_sets_on_insert()
    {
        var day = new DateOnly(2026, 3, 1);

        var filter = MongoProgressStore.ActivityKeyFilter("c1", day, User).Render(ActivityArgs);
        var update = MongoProgressStore.ActivityUpdate("c1", day, User).Render(ActivityArgs).AsBsonDocument;

        Assert.Equal(new BsonDocument("_id", "c1|2026-03-01|0f8fad5bd9cb469fa16570867728950e"), filter);
        var expected = new BsonDocument("$setOnInsert", new BsonDocument { { "courseId", "c1" }, { "day", "2026-03-01" }, { "userId", Uuid(User) } });
        Assert.Equal(expected, update);
    }

    [Fact]
    public void Activity_query_compares_the_day_string_from_the_first_day()
    {
        var rendered = MongoProgressStore.ActivityFilter("c1", new DateOnly(2026, 2, 9)).Render(ActivityArgs);

        Assert.Equal(BsonDocument.Parse("""{ "courseId": "c1", "day": { "$gte": "2026-02-09" } }"""), rendered);
    }

    [Fact]
    public void Activity_document_reads_back_as_its_day()
    {
        var document = new ActivityDocument { Id = "x", CourseId = "c1", Day = "2026-12-31", UserId = User };

        var back = BsonSerializer.Deserialize<ActivityDocument>(document.ToBsonDocument()).ToActivityDay();

        Assert.Equal(new ActivityDay("c1", User, new DateOnly(2026, 12, 31)), back);
    }

    [Fact]
    public void Creates_exactly_the_indexes_the_queries_use()
    {
        var progress = MongoProgressStore.IndexModels.Select(m => m.Keys.Render(Args).ToJson()).ToList();
        var activity = MongoProgressStore.ActivityIndexModels.Select(m => m.Keys.Render(ActivityArgs).ToJson()).ToList();

        Assert.Equal(["""{ "userId" : 1, "lastWatchedAt" : -1, "lessonId" : 1 }""", """{ "courseId" : 1 }"""], progress);
        Assert.Equal(["""{ "courseId" : 1, "day" : 1 }"""], activity);
    }
}
