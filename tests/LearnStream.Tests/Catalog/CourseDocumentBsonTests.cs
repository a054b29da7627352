using LearnStream.Api.Features.Catalog;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;

namespace LearnStream.Tests.Catalog;

/// <summary>The stored shape of a course: element names, BSON types, and a lossless round trip.</summary>
public class CourseDocumentBsonTests
{
    internal static readonly string[] CourseElementNames =
    [
        "_id", "slug", "title", "subtitle", "description", "tags", "level", "language", "price", "status",
        "instructorIds", "coverImageUrl", "accessDays", "createdAt", "updatedAt", "publishedAt", "v", "sections",
    ];

    private static readonly DateTimeOffset Created = new(2026, 3, 1, 9, 15, 30, 123, TimeSpan.Zero);

    private static Course SampleCourse() => new()
    {
        Id = "c1",
        Slug = "intro-to-rust",
        Title = "Intro to Rust",
        Subtitle = "Ownership without tears",
        Description = "From borrow checker to async.",
        Tags = ["rust", "systems"],
        Level = "beginner",
        Language = "en",
        Price = new Price(4900, "EUR"),
        Status = CourseStatus.Published,
        InstructorIds = ["u1", "u2"],
        CoverImageUrl = "https://cdn.example.test/rust.png",
        AccessDays = 365,
        CreatedAt = Created,
        // An offset other than UTC: stored as the same instant.
        UpdatedAt = new DateTimeOffset(2026, 3, 2, 12, 0, 0, 456, TimeSpan.FromHours(2)),
        PublishedAt = Created.AddDays(1),
        Version = 7,
        Sections =
        [
            new Section
            {
                Id = "s1",
                Title = "Basics",
                Lessons =
                [
                    new Lesson { Id = "l1", Title = "Welcome", Kind = LessonKind.Video, Description = "Hi", IsPreview = true },
                    new Lesson { Id = "l2", Title = "Borrowing", Kind = LessonKind.Text, Body = "# Borrowing\nText." },
                ],
            },
            new Section { Id = "s2", Title = "Empty for now" },
        ],
    };

    private static Course RoundTrip(BsonDocument bson) => BsonSerializer.Deserialize<CourseDocument>(bson).ToCourse();

    [Fact]
    public void A_course_document_has_exactly_the_intended_element_names()
    {
        var bson = CourseDocument.From(SampleCourse()).ToBsonDocument();

        Assert.Equal(CourseElementNames, bson.Names);
        Assert.Equal(["amount", "currency"], bson["price"].AsBsonDocument.Names);
        var section = bson["sections"][0].AsBsonDocument;
        Assert.Equal(["id", "title", "lessons"], section.Names);
        Assert.Equal(["id", "title", "kind", "description", "body", "isPreview"], section["lessons"][0].AsBsonDocument.Names);
    }

    [Fact]
    public void Values_are_stored_with_queryable_bson_types()
    {
        var bson = CourseDocument.From(SampleCourse()).ToBsonDocument();

        Assert.Equal(new BsonString("c1"), bson["_id"]);
        Assert.Equal(new BsonString("Published"), bson["status"]);
        Assert.Equal(new BsonInt64(7), bson["v"]);
        Assert.Equal(new BsonDocument { { "amount", new BsonInt64(4900) }, { "currency", "EUR" } }, bson["price"]);
        Assert.Equal(new BsonDateTime(Created.UtcDateTime), bson["createdAt"]);
        Assert.Equal(new BsonDateTime(new DateTime(2026, 3, 2, 10, 0, 0, 456, DateTimeKind.Utc)), bson["updatedAt"]);
        Assert.Equal(new BsonArray { "rust", "systems" }, bson["tags"]);
        Assert.Equal(new BsonString("Text"), bson["sections"][0]["lessons"][1]["kind"]);
        Assert.Equal(BsonBoolean.True, bson["sections"][0]["lessons"][0]["isPreview"]);
    }

    [Fact]
    public void A_course_survives_the_round_trip_through_bson()
    {
        var original = SampleCourse();

        var course = RoundTrip(CourseDocument.From(original).ToBsonDocument());

        Assert.Equal(original.Id, course.Id);
        Assert.Equal(original.Slug, course.Slug);
        Assert.Equal(original.Title, course.Title);
        Assert.Equal(original.Subtitle, course.Subtitle);
        Assert.Equal(original.Description, course.Description);
        Assert.Equal(original.Tags, course.Tags);
        Assert.Equal(original.Level, course.Level);
        Assert.Equal(original.Language, course.Language);
        Assert.Equal(original.Price, course.Price);
        Assert.Equal(365, course.AccessDays);
        Assert.Equal(original.Status, course.Status);
        Assert.Equal(original.InstructorIds, course.InstructorIds);
        Assert.Equal(original.CoverImageUrl, course.CoverImageUrl);
        Assert.Equal(original.CreatedAt, course.CreatedAt);
        Assert.Equal(original.UpdatedAt, course.UpdatedAt);
        Assert.Equal(original.PublishedAt, course.PublishedAt);
        Assert.Equal(TimeSpan.Zero, course.UpdatedAt.Offset);
        Assert.Equal(original.Version, course.Version);
        Assert.Equal(["s1", "s2"], course.Sections.Select(s => s.Id));
        Assert.Equal(["Basics", "Empty for now"], course.Sections.Select(s => s.Title));
        Assert.Empty(course.Sections[1].Lessons);
        var (welcome, borrowing) = (course.Sections[0].Lessons[0], course.Sections[0].Lessons[1]);
        Assert.Equal(("l1", "Welcome", LessonKind.Video, "Hi", null, true),
            (welcome.Id, welcome.Title, welcome.Kind, welcome.Description, welcome.Body, welcome.IsPreview));
        Assert.Equal(("l2", "Borrowing", LessonKind.Text, null, "# Borrowing\nText.", false),
            (borrowing.Id, borrowing.Title, borrowing.Kind, borrowing.Description, borrowing.Body, borrowing.IsPreview));
    }

    [Fact]
    public void Times_keep_milliseconds_and_drop_finer_ticks_as_bson_dates_do()
    {
        var course = SampleCourse();
        course.UpdatedAt = Created.AddTicks(4321);

        var stored = RoundTrip(CourseDocument.From(course).ToBsonDocument());

        Assert.Equal(Created, stored.UpdatedAt);
    }

    [Fact]
    public void A_free_draft_stores_nulls_and_reads_back_without_price_or_publication()
    {
        var course = SampleCourse();
        course.Price = null;
        course.PublishedAt = null;
        course.Status = CourseStatus.Draft;
        course.AccessDays = null;

        var bson = CourseDocument.From(course).ToBsonDocument();
        var stored = RoundTrip(bson);

        // Lifetime access is the absence of a limit, not a stored null.
        Assert.False(bson.Contains("accessDays"));
        Assert.Null(stored.AccessDays);

        Assert.Equal(BsonNull.Value, bson["price"]);
        Assert.Equal(BsonNull.Value, bson["publishedAt"]);
        Assert.Null(stored.Price);
        Assert.Null(stored.PublishedAt);
        Assert.Equal(CourseStatus.Draft, stored.Status);
        Assert.True(stored.IsFree);
    }

    [Fact]
    public void A_document_projected_without_sections_reads_as_a_course_without_outline()
    {
        var bson = CourseDocument.From(SampleCourse()).ToBsonDocument();
        bson.Remove("sections");

        var course = RoundTrip(bson);

        Assert.Empty(course.Sections);
        Assert.Equal("Intro to Rust", course.Title);
    }

    [Fact]
    public void Elements_written_by_a_newer_release_are_ignored_when_reading()
    {
        var bson = CourseDocument.From(SampleCourse()).ToBsonDocument();
        bson["rating"] = 4.5;
        bson["sections"][0]["lessons"][0]["durationSeconds"] = 300;
        bson["sections"][0]["summary"] = "new";

        var course = RoundTrip(bson);

        Assert.Equal("Welcome", course.Sections[0].Lessons[0].Title);
        Assert.Equal("Basics", course.Sections[0].Title);
    }
}
