using LearnStream.Api.Data;
using LearnStream.Api.Features.Progress;
using LearnStream.Api.Tests.Catalog;
using LearnStream.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Driver;

namespace LearnStream.Api.Tests.Progress;

// The relational store is built directly on a scope's DbContext rather than resolved as
// IProgressStore, so these classes test RelationalProgressStore whatever Content:Store selects.
// Each NewStore() gets its own scope, hence its own DbContext and connection, like another node.

public abstract class RelationalProgressStoreContractTests : ProgressStoreContractTests, IAsyncDisposable
{
    private readonly IServiceProvider _services;
    private readonly List<AsyncServiceScope> _scopes = [];

    protected RelationalProgressStoreContractTests(StoreFixture fixture)
    {
        _services = fixture.App.Services;
        Store = NewStore();
    }

    protected override IProgressStore Store { get; }

    protected override IProgressStore NewStore() => new RelationalProgressStore(NewContext());

    protected override async Task<long?> VersionOfAsync(Guid userId, string lessonId)
    {
        var key = LessonProgress.KeyOf(userId, lessonId);
        return await NewContext().LessonProgress.AsNoTracking()
            .Where(p => p.Id == key).Select(p => (long?)p.Version).FirstOrDefaultAsync(Ct);
    }

    [Fact]
    public async Task Activity_rows_written_by_raw_sql_match_ef_queries_on_every_column()
    {
        var day = DateOnly.FromDateTime(At.UtcDateTime);
        await Store.MergeAsync([Watch("l-" + Unique(), At, 0, 10)], Threshold, Ct);

        // The insert is hand-written SQL: its parameters must be stored in the form EF compares with
        // (SQLite keeps Guids and dates as text), or analytics queries on the learner would match nothing.
        var count = await NewContext().LearnerActivity.AsNoTracking()
            .CountAsync(a => a.CourseId == Course && a.UserId == User && a.Day == day, Ct);

        Assert.Equal(1, count);
    }

    private LearnStreamDbContext NewContext()
    {
        var scope = _services.CreateAsyncScope();
        _scopes.Add(scope);
        return scope.ServiceProvider.GetRequiredService<LearnStreamDbContext>();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var scope in _scopes)
        {
            await scope.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }
}

public sealed class ProgressStoreContractTests_Sqlite(SqliteFixture fixture)
    : RelationalProgressStoreContractTests(fixture), IClassFixture<SqliteFixture>;

public sealed class ProgressStoreContractTests_Postgres(PostgresRedisFixture fixture)
    : RelationalProgressStoreContractTests(fixture), IClassFixture<PostgresRedisFixture>;

public sealed class ProgressStoreContractTests_Mongo : ProgressStoreContractTests, IClassFixture<MongoStoreFixture>
{
    private readonly IMongoCollection<ProgressDocument> _progress = null!;
    private readonly IMongoCollection<ActivityDocument> _activity = null!;

    public ProgressStoreContractTests_Mongo(MongoStoreFixture fixture)
    {
        if (fixture.Services is null)
        {
            Assert.Skip(MongoStoreFixture.SkipReason);
        }
        _progress = fixture.Services.GetRequiredService<IMongoCollection<ProgressDocument>>();
        _activity = fixture.Services.GetRequiredService<IMongoCollection<ActivityDocument>>();
        Store = NewStore();
    }

    protected override IProgressStore Store { get; } = null!;

    protected override IProgressStore NewStore() => new MongoProgressStore(_progress, _activity);

    protected override async Task<long?> VersionOfAsync(Guid userId, string lessonId)
    {
        var key = LessonProgress.KeyOf(userId, lessonId);
        var found = await _progress.Find(d => d.Id == key).FirstOrDefaultAsync(Ct);
        return found?.Version;
    }
}
