using LearnStream.Api.Features.Progress;

namespace LearnStream.Tests.Progress;

/// <summary>Reading Redis's <c>INFO persistence</c> for the append-only file.</summary>
public class RedisPersistenceCheckTests
{
    // As Redis 7 answers, lines ending in CRLF.
    private static string Info(string? aofEnabled) =>
        "# Persistence\r\nloading:0\r\nrdb_changes_since_last_save:12\r\n"
        + (aofEnabled is null ? "" : $"aof_enabled:{aofEnabled}\r\n")
        + "aof_rewrite_in_progress:0\r\n";

    [Theory]
    [InlineData("1", true)]
    [InlineData("0", false)]
    [InlineData(null, null)]
    public void The_append_only_file_is_read_from_aof_enabled_alone(string? aofEnabled, bool? expected) =>
        Assert.Equal(expected, RedisPersistenceCheck.AppendOnly(Info(aofEnabled)));
}
