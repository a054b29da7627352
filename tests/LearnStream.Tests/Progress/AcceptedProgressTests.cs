using System.Text.Json;
using CsCheck;
using LearnStream.Api.Features.Progress;
using Microsoft.AspNetCore.Http;

namespace LearnStream.Tests.Progress;

/// <summary>A beat's 202 must carry the bytes the framework's JSON result wrote for the same answer.</summary>
public sealed class AcceptedProgressTests
{
    // The API's serializer defaults: camelCase names, the default encoder and number format.
    private static readonly JsonSerializerOptions Api = new(JsonSerializerDefaults.Web);

    private static readonly Gen<double> GenNumber = Gen.OneOf(Gen.Double[0, 7200], Gen.Double.Unit, Gen.Int[0, 100_000].Select(i => (double)i),
        Gen.Const(0.1 + 0.2), Gen.Const(1e-7), Gen.Const(1e21), Gen.Const(-0.0), Gen.Const(double.MaxValue));

    private static readonly Gen<LessonProgressResponse> GenResponse = Gen.Select(
        Gen.OneOf(Gen.String, Gen.String[Gen.Char["\"\\<>&'é\u2028\ud83d\ude00a0"], 0, 12], Gen.Const("0d6f1c2e-3b4a-4c5d-8e9f-a0b1c2d3e4f5")),
        GenNumber, GenNumber, GenNumber, Gen.Bool,
        (lesson, position, watched, percent, completed) => new LessonProgressResponse(lesson, position, watched, percent, completed));

    [Fact]
    public void The_answer_is_the_json_the_serializer_writes_for_it() =>
        GenResponse.Sample(response =>
            Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(response, Api), AcceptedProgress.Json(response).ToArray()));

    [Fact]
    public async Task The_answer_is_a_202_with_json_of_its_stated_length()
    {
        var response = new LessonProgressResponse("lesson-\"1\"", 612.5, 1e-7, 1.0 / 3, true);
        var context = new DefaultHttpContext();
        using var body = new MemoryStream();
        context.Response.Body = body;

        await new AcceptedProgress(response).ExecuteAsync(context);
        await context.Response.BodyWriter.FlushAsync();

        Assert.Equal(StatusCodes.Status202Accepted, context.Response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", context.Response.ContentType);
        Assert.Equal(body.Length, context.Response.ContentLength);
        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(response, Api), body.ToArray());
        Assert.Equal(response, JsonSerializer.Deserialize<LessonProgressResponse>(body.ToArray(), Api));
    }
}
