using LearnStream.Api.Features.Catalog;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;

namespace LearnStream.Tests.Catalog;

/// <summary>
/// What MongoCourseStore sends to the server, rendered to BSON without a server: a misspelt
/// element name here would otherwise match nothing silently.
/// </summary>
public class MongoCourseStoreBsonTests
{
    private static readonly RenderArgs<CourseDocument> Args = new(
        BsonSerializer.SerializerRegistry.GetSerializer<CourseDocument>(), BsonSerializer.SerializerRegistry);

    private static CourseQuery Query(
        CourseVisibility visibility = CourseVisibility.All, string? viewer = null, string? search = null,
        string? tag = null, string? level = null, string? instructor = null) =>
        new(visibility, viewer, search, tag, level, instructor, Skip: 0, Take: 20);

    private static BsonDocument Render(FilterDefinition<CourseDocument> filter) => filter.Render(Args);

    [Fact]
    public void Published_visibility_filters_on_the_status_string()
    {
        Assert.Equal(BsonDocument.Parse("""{ "status": "Published" }"""), Render(MongoCourseStore.ListFilter(Query(CourseVisibility.Published))));
    }

    [Fact]
    public void All_visibility_without_filters_matches_everything()
    {
        Assert.Equal(new BsonDocument(), Render(MongoCourseStore.ListFilter(Query())));
    }

    [Fact]
    public void Instructor_visibility_adds_the_courses_the_viewer_teaches()
    {
        var filter = MongoCourseStore.ListFilter(Query(CourseVisibility.PublishedOrTaughtBy, viewer: "u1"));

        Assert.Equal(BsonDocument.Parse("""{ "$or": [ { "status": "Published" }, { "instructorIds": "u1" } ] }"""), Render(filter));
    }

    [Fact]
    public void Instructor_visibility_without_a_viewer_shows_published_courses_only()
    {
        var filter = MongoCourseStore.ListFilter(Query(CourseVisibility.PublishedOrTaughtBy, viewer: null));

        Assert.Equal(BsonDocument.Parse("""{ "status": "Published" }"""), Render(filter));
    }

    [Fact]
    public void Search_uses_the_text_index_with_the_trimmed_term()
    {
        var filter = MongoCourseStore.ListFilter(Query(search: "  rust  "));

        Assert.Equal(BsonDocument.Parse("""{ "$text": { "$search": "rust" } }"""), Render(filter));
    }

    [Fact]
    public void Blank_search_adds_no_text_clause()
    {
        Assert.Equal(new BsonDocument(), Render(MongoCourseStore.ListFilter(Query(search: "   "))));
    }

    [Fact]
    public void Every_filter_combines_with_the_visibility()
    {
        var filter = MongoCourseStore.ListFilter(
            Query(CourseVisibility.Published, search: "rust", tag: "systems", level: "beginner", instructor: "i1"));

        var expected = BsonDocument.Parse("""
            {
              "status": "Published",
              "$text": { "$search": "rust" },
              "tags": "systems",
              "level": "beginner",
              "instructorIds": "i1"
            }
            """);
        Assert.Equal(expected, Render(filter));
    }

    [Fact]
    public void Instructor_visibility_and_an_instructor_filter_keep_both_conditions()
    {
        var filter = MongoCourseStore.ListFilter(Query(CourseVisibility.PublishedOrTaughtBy, viewer: "u1", instructor: "i1"));

        var expected = BsonDocument.Parse("""
            { "$or": [ { "status": "Published" }, { "instructorIds": "u1" } ], "instructorIds": "i1" }
            """);
        Assert.Equal(expected, Render(filter));
    }

    [Fact]
    public void Version_filter_matches_id_and_the_expected_version_as_a_64_bit_integer()
    {
        var rendered = Render(MongoCourseStore.VersionFilter("x", 3));

        Assert.Equal(new BsonDocument { { "_id", "x" }, { "v", new BsonInt64(3) } }, rendered);
        Assert.Equal(BsonType.Int64, rendered["v"].BsonType);
    }

    [Fact]
    public void Find_matches_the_id_or_the_slug()
    {
        var rendered = Render(MongoCourseStore.IdOrSlugFilter("intro-to-rust"));

        Assert.Equal(BsonDocument.Parse("""{ "$or": [ { "_id": "intro-to-rust" }, { "slug": "intro-to-rust" } ] }"""), rendered);
    }

    [Fact]
    public void Lesson_lookup_matches_the_embedded_lesson_id()
    {
        Assert.Equal(BsonDocument.Parse("""{ "sections.lessons.id": "l1" }"""), Render(MongoCourseStore.LessonFilter("l1")));
    }

    [Fact]
    public void Batch_lookup_is_one_in_query_on_the_id()
    {
        Assert.Equal(BsonDocument.Parse("""{ "_id": { "$in": ["a", "b"] } }"""), Render(MongoCourseStore.IdsFilter(["a", "b"])));
    }

    [Fact]
    public void List_sorts_newest_first_then_by_id()
    {
        Assert.Equal(BsonDocument.Parse("""{ "createdAt": -1, "_id": 1 }"""), MongoCourseStore.ListSort.Render(Args));
    }

    [Fact]
    public void List_projection_leaves_out_the_outline()
    {
        Assert.Equal(BsonDocument.Parse("""{ "sections": 0 }"""), MongoCourseStore.ListProjection.Render(Args));
    }
}
