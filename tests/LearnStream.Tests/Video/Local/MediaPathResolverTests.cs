using LearnStream.Api.Features.Video.Local;

namespace LearnStream.Tests.Video.Local;

public sealed class MediaPathResolverTests : IDisposable
{
    private readonly string _sandbox = Directory.CreateTempSubdirectory("media-paths-").FullName;
    private readonly string _root;
    private readonly string _outside;
    private readonly MediaPathResolver _resolver;

    public MediaPathResolverTests()
    {
        _root = Path.Combine(_sandbox, "media");
        _outside = Path.Combine(_sandbox, "outside");
        Write(_root, "lesson-1/master.m3u8", "#EXTM3U");
        Write(_root, "lesson-1/720p/seg_003.ts", "inside");
        Write(_outside, "secret.ts", "outside");
        _resolver = new MediaPathResolver(_root);
    }

    public void Dispose() => Directory.Delete(_sandbox, recursive: true);

    [Theory]
    [InlineData("../outside/secret.ts", MediaPathRefusal.Traversal)]
    [InlineData("lesson-1/../../outside/secret.ts", MediaPathRefusal.Traversal)]
    [InlineData("lesson-1/720p/../../../outside/secret.ts", MediaPathRefusal.Traversal)]
    [InlineData("%2e%2e/outside/secret.ts", MediaPathRefusal.Traversal)]
    [InlineData("%2E%2E/outside/secret.ts", MediaPathRefusal.Traversal)]
    [InlineData("lesson-1/..%2f..%2foutside%2fsecret.ts", MediaPathRefusal.Traversal)]
    [InlineData("%252e%252e/outside/secret.ts", MediaPathRefusal.Traversal)]
    [InlineData("lesson-1/%252e%252e%252f%252e%252e/outside/secret.ts", MediaPathRefusal.Traversal)]
    [InlineData("%25252e%25252e/outside/secret.ts", MediaPathRefusal.Traversal)]
    [InlineData("..\\outside\\secret.ts", MediaPathRefusal.Backslash)]
    [InlineData("lesson-1\\..\\..\\outside\\secret.ts", MediaPathRefusal.Backslash)]
    [InlineData("..%5coutside%5csecret.ts", MediaPathRefusal.Backslash)]
    [InlineData("/etc/passwd", MediaPathRefusal.Absolute)]
    [InlineData("%2fetc%2fpasswd", MediaPathRefusal.Absolute)]
    [InlineData("C:/Windows/win.ini", MediaPathRefusal.Absolute)]
    [InlineData("lesson-1/seg_003.ts%00.jpg", MediaPathRefusal.ControlCharacter)]
    [InlineData("lesson-1/seg_003\0.ts", MediaPathRefusal.ControlCharacter)]
    [InlineData("lesson-1/master.m3u8%0a", MediaPathRefusal.ControlCharacter)]
    [InlineData("lesson-1//master.m3u8", MediaPathRefusal.EmptySegment)]
    [InlineData("lesson-1/720p/", MediaPathRefusal.EmptySegment)]
    [InlineData("lesson-1/./master.m3u8", MediaPathRefusal.DotSegment)]
    [InlineData(".lesson-1.partial-0a1b/master.m3u8", MediaPathRefusal.DotSegment)]
    [InlineData("lesson-1/.hidden.ts", MediaPathRefusal.DotSegment)]
    [InlineData("lesson 1/master.m3u8", MediaPathRefusal.DisallowedCharacter)]
    [InlineData("lesson-1/seg%20003.ts", MediaPathRefusal.DisallowedCharacter)]
    [InlineData("le\u00dfon/master.m3u8", MediaPathRefusal.DisallowedCharacter)]
    [InlineData("lesson-1/a:b.ts", MediaPathRefusal.DisallowedCharacter)]
    [InlineData("master.m3u8", MediaPathRefusal.NoLesson)]
    [InlineData("lesson-1/source.mov", MediaPathRefusal.DisallowedExtension)]
    [InlineData("lesson-1/notes.txt", MediaPathRefusal.DisallowedExtension)]
    [InlineData("lesson-1/master.M3U8", MediaPathRefusal.DisallowedExtension)]
    [InlineData("lesson-1/720p", MediaPathRefusal.DisallowedExtension)]
    [InlineData("lesson-1/poster.jpg.exe", MediaPathRefusal.DisallowedExtension)]
    [InlineData("%2525252541/x.ts", MediaPathRefusal.BadEncoding)]
    [InlineData("lesson-1/%2541.ts", MediaPathRefusal.BadEncoding)]
    [InlineData("", MediaPathRefusal.Empty)]
    public void Unsafe_or_unexpected_paths_are_refused(string requestPath, MediaPathRefusal expected)
    {
        var result = _resolver.Resolve(requestPath);

        Assert.Equal(expected, result.Refusal);
        Assert.False(result.IsAllowed);
        Assert.Null(result.FullPath);
        Assert.Null(result.LessonId);
    }

    [Theory]
    [InlineData("lesson-1/master.m3u8", "lesson-1", "lesson-1/master.m3u8")]
    [InlineData("lesson-1/720p/seg_003.ts", "lesson-1", "lesson-1/720p/seg_003.ts")]
    [InlineData("lesson-1%2F720p%2Fseg_003.ts", "lesson-1", "lesson-1/720p/seg_003.ts")]
    [InlineData("lesson-1/720p/seg_%30%30%33.ts", "lesson-1", "lesson-1/720p/seg_003.ts")]
    [InlineData("6f1c2e0a-4b7d-4e55-9a43-1d2f3c4b5a69/poster.jpg", "6f1c2e0a-4b7d-4e55-9a43-1d2f3c4b5a69", "6f1c2e0a-4b7d-4e55-9a43-1d2f3c4b5a69/poster.jpg")]
    [InlineData("lesson-1/360p/init.mp4", "lesson-1", "lesson-1/360p/init.mp4")]
    [InlineData("lesson-1/360p/seg_1.m4s", "lesson-1", "lesson-1/360p/seg_1.m4s")]
    [InlineData("lesson-1/subs/en.vtt", "lesson-1", "lesson-1/subs/en.vtt")]
    public void Plain_media_paths_resolve_under_the_root_and_name_their_lesson(string requestPath, string lesson, string relative)
    {
        var result = _resolver.Resolve(requestPath);

        Assert.Equal(MediaPathRefusal.None, result.Refusal);
        Assert.True(result.IsAllowed);
        Assert.Equal(lesson, result.LessonId);
        Assert.Equal(Path.Combine(_root, relative), result.FullPath);
    }

    [Fact]
    public void A_resolved_path_reads_the_file_the_transcoder_wrote()
    {
        var result = _resolver.Resolve("lesson-1/720p/seg_003.ts");

        Assert.Equal("inside", File.ReadAllText(result.FullPath!));
    }

    [Fact]
    public void A_linked_lesson_directory_pointing_outside_the_root_is_refused()
    {
        Directory.CreateSymbolicLink(Path.Combine(_root, "lesson-evil"), _outside);

        Assert.Equal(MediaPathRefusal.SymlinkEscape, _resolver.Resolve("lesson-evil/secret.ts").Refusal);
    }

    [Fact]
    public void A_linked_segment_pointing_outside_the_root_is_refused()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "lesson-1/720p/leak.ts"), Path.Combine(_outside, "secret.ts"));

        Assert.Equal(MediaPathRefusal.SymlinkEscape, _resolver.Resolve("lesson-1/720p/leak.ts").Refusal);
    }

    [Fact]
    public void A_relative_link_climbing_out_of_the_root_is_refused()
    {
        Directory.CreateDirectory(Path.Combine(_root, "lesson-2"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "lesson-2/up"), "../../outside");

        Assert.Equal(MediaPathRefusal.SymlinkEscape, _resolver.Resolve("lesson-2/up/secret.ts").Refusal);
    }

    [Fact]
    public void A_link_whose_target_climbs_out_through_another_link_is_refused()
    {
        // hop -> "deep/../x" with deep -> outside/a/b: textually that is lesson-3/x, really it is outside/a/x.
        Write(_outside, "a/x/file.ts", "outside");
        Directory.CreateDirectory(Path.Combine(_outside, "a/b"));
        Write(_root, "lesson-3/x/file.ts", "inside");
        Directory.CreateSymbolicLink(Path.Combine(_root, "lesson-3/deep"), Path.Combine(_outside, "a/b"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "lesson-3/hop"), "deep/../x");
        Assert.Equal("outside", File.ReadAllText(Path.Combine(_root, "lesson-3/hop/file.ts")));

        Assert.Equal(MediaPathRefusal.SymlinkEscape, _resolver.Resolve("lesson-3/hop/file.ts").Refusal);
    }

    [Fact]
    public void Links_that_loop_are_refused()
    {
        Directory.CreateDirectory(Path.Combine(_root, "lesson-4"));
        File.CreateSymbolicLink(Path.Combine(_root, "lesson-4/a.ts"), "b.ts");
        File.CreateSymbolicLink(Path.Combine(_root, "lesson-4/b.ts"), "a.ts");

        Assert.Equal(MediaPathRefusal.SymlinkEscape, _resolver.Resolve("lesson-4/a.ts").Refusal);
    }

    [Fact]
    public void A_link_that_stays_inside_the_root_is_followed()
    {
        Directory.CreateSymbolicLink(Path.Combine(_root, "lesson-alias"), Path.Combine(_root, "lesson-1"));

        var result = _resolver.Resolve("lesson-alias/720p/seg_003.ts");

        Assert.True(result.IsAllowed, result.Refusal.ToString());
        Assert.Equal("lesson-alias", result.LessonId);
    }

    [Fact]
    public void A_media_root_that_is_itself_a_link_serves_its_files()
    {
        var linkedRoot = Path.Combine(_sandbox, "media-link");
        Directory.CreateSymbolicLink(linkedRoot, _root);

        var result = new MediaPathResolver(linkedRoot).Resolve("lesson-1/master.m3u8");

        Assert.True(result.IsAllowed, result.Refusal.ToString());
        Assert.Equal(Path.Combine(linkedRoot, "lesson-1", "master.m3u8"), result.FullPath);
    }

    [Fact]
    public void A_trailing_separator_on_the_root_changes_nothing()
    {
        var result = new MediaPathResolver(_root + "/").Resolve("lesson-1/master.m3u8");

        Assert.Equal(Path.Combine(_root, "lesson-1", "master.m3u8"), result.FullPath);
    }

    [Fact]
    public void A_sibling_directory_sharing_the_roots_name_prefix_is_not_inside_it()
    {
        // "media-evil" starts with "media": a bare StartsWith check would let a link into it pass.
        Write(_sandbox, "media-evil/secret.ts", "outside");
        Directory.CreateSymbolicLink(Path.Combine(_root, "lesson-5"), Path.Combine(_sandbox, "media-evil"));

        Assert.Equal(MediaPathRefusal.SymlinkEscape, _resolver.Resolve("lesson-5/secret.ts").Refusal);
    }

    private static void Write(string root, string relative, string content)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }
}
