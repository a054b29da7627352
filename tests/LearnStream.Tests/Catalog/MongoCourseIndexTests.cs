using LearnStream.Api.Features.Catalog;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;

namespace LearnStream.Tests.Catalog;

/// <summary>The indexes created at start, rendered to their key documents.</summary>
public class MongoCourseIndexTests
{
    private static readonly RenderArgs<CourseDocument> Args = new(
        BsonSerializer.SerializerRegistry.GetSerializer<CourseDocument>(), BsonSerializer.SerializerRegistry);

    private static CreateIndexModel<CourseDocument> IndexOn(string keys) =>
        Assert.Single(MongoCourseStore.IndexModels, m => m.Keys.Render(Args) == BsonDocument.Parse(keys));

    [Fact]
    public void Creates_exactly_the_indexes_the_queries_use()
    {
        var keys = MongoCourseStore.IndexModels.Select(m => m.Keys.Render(Args).ToJson()).ToList();

        Assert.Equal(
            [
                """{ "slug" : 1 }""",
                """{ "status" : 1, "createdAt" : -1, "_id" : 1 }""",
                """{ "instructorIds" : 1 }""",
                """{ "sections.lessons.id" : 1 }""",
                """{ "title" : "text", "subtitle" : "text", "description" : "text", "tags" : "text" }""",
            ],
            keys);
    }

    [Fact]
    public void Slug_index_is_unique_so_a_taken_slug_fails_the_write()
    {
        Assert.True(IndexOn("""{ "slug": 1 }""").Options?.Unique);
    }

    [Fact]
    public void Only_the_slug_index_is_unique()
    {
        var unique = MongoCourseStore.IndexModels.Where(m => m.Options?.Unique == true).ToList();

        Assert.Equal("""{ "slug" : 1 }""", Assert.Single(unique).Keys.Render(Args).ToJson());
    }

    [Fact]
    public void Text_index_neither_stems_nor_reads_the_course_language_field()
    {
        var options = IndexOn("""{ "title": "text", "subtitle": "text", "description": "text", "tags": "text" }""").Options;

        Assert.NotNull(options);
        Assert.Equal("none", options.DefaultLanguage);
        Assert.NotEqual("language", options.LanguageOverride);
        Assert.DoesNotContain(options.LanguageOverride, CourseDocumentBsonTests.CourseElementNames);
    }
}
