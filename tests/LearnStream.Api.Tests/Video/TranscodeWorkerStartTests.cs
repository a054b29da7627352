using LearnStream.Api.Tests.Infrastructure;

namespace LearnStream.Api.Tests.Video;

/// <summary>What the transcode worker tidies when a node starts after a crash.</summary>
public sealed class TranscodeWorkerStartTests
{
    [Fact]
    public async Task Staging_sets_and_cut_off_uploads_left_by_a_crash_are_removed_at_start_and_finished_sets_are_kept()
    {
        var fixture = new SqliteFixture();
        await using var _ = fixture;
        var media = Path.Combine(fixture.DataPath, "media");
        var staging = Directory.CreateDirectory(Path.Combine(media, ".lesson-a.partial-1a2b3c")).FullName;
        var replaced = Directory.CreateDirectory(Path.Combine(media, ".lesson-b.replaced-4d5e6f")).FullName;
        var finished = Directory.CreateDirectory(Path.Combine(media, "lesson-c")).FullName;
        await File.WriteAllTextAsync(Path.Combine(finished, "master.m3u8"), "#EXTM3U\n");
        var incoming = Directory.CreateDirectory(Path.Combine(media, ".incoming")).FullName;
        var cutOff = Path.Combine(incoming, "0123456789abcdef0123456789abcdef.part");
        var waiting = Path.Combine(incoming, "fedcba9876543210fedcba9876543210.src");
        await File.WriteAllTextAsync(cutOff, "half a file");
        await File.WriteAllTextAsync(waiting, "a whole file");

        await fixture.InitializeAsync();
        for (var i = 0; i < 100 && (Directory.Exists(staging) || File.Exists(cutOff)); i++)
        {
            await Task.Delay(100);
        }

        Assert.False(Directory.Exists(staging));
        Assert.False(Directory.Exists(replaced));
        Assert.False(File.Exists(cutOff));
        Assert.True(File.Exists(Path.Combine(finished, "master.m3u8")));
        Assert.True(File.Exists(waiting), "an upload waiting for its transcode must survive a restart");
    }
}
