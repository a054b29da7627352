using LearnStream.Api.Tests.Infrastructure;

namespace LearnStream.Api.Tests.Video;

/// <summary>The upload cap the capped fixtures set: the lowest <c>Video:Local:MaxUploadBytes</c> allows, and still above the test clip.</summary>
public static class LocalUploadCap
{
    public const long Bytes = 1024 * 1024;

    public static void Apply(StoreFixture fixture) => fixture.Overrides["Video:Local:MaxUploadBytes"] = Bytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

public sealed class LocalUploadCapSqliteFixture : SqliteFixture
{
    public LocalUploadCapSqliteFixture() => LocalUploadCap.Apply(this);
}

public sealed class LocalUploadCapPostgresFixture : PostgresRedisFixture
{
    public LocalUploadCapPostgresFixture() => LocalUploadCap.Apply(this);
}
