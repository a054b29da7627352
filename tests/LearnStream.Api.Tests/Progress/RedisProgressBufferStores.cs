using LearnStream.Api.Data;
using LearnStream.Api.Features.Progress;
using LearnStream.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LearnStream.Api.Tests.Progress;

// The relational store is built directly on the fixture's DbContext, so these classes flush into
// RelationalProgressStore whatever Content:Store selects.

public sealed class RedisProgressBufferTests_Sqlite(SqliteFixture fixture) : RedisProgressBufferTests, IClassFixture<SqliteFixture>
{
    protected override IProgressStore InnerStore { get; } = new ScopedProgressStore(fixture.App.Services,
        sp => new RelationalProgressStore(sp.GetRequiredService<LearnStreamDbContext>()));
}

public sealed class RedisProgressBufferTests_Postgres(PostgresRedisFixture fixture) : RedisProgressBufferTests, IClassFixture<PostgresRedisFixture>
{
    protected override IProgressStore InnerStore { get; } = new ScopedProgressStore(fixture.App.Services,
        sp => new RelationalProgressStore(sp.GetRequiredService<LearnStreamDbContext>()));
}
