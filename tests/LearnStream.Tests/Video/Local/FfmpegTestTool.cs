using System.Diagnostics;

namespace LearnStream.Tests.Video.Local;

/// <summary>Runs the real ffmpeg and ffprobe for the tests: to make test clips and to inspect what the transcoder wrote.</summary>
internal static class FfmpegTestTool
{
    public static void MakeClip(string path, int width, int height, int seconds, bool withAudio)
    {
        List<string> args = ["-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", $"testsrc=duration={seconds}:size={width}x{height}:rate=25"];
        if (withAudio)
        {
            args.AddRange(["-f", "lavfi", "-i", $"sine=duration={seconds}"]);
        }
        args.AddRange(["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]);
        if (withAudio)
        {
            args.AddRange(["-c:a", "aac", "-shortest"]);
        }
        args.Add(path);
        Run("ffmpeg", args);
    }

    public static void MakeAudioOnly(string path, int seconds) =>
        Run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", $"sine=duration={seconds}", "-c:a", "aac", path]);

    public static void MakeStill(string path) =>
        Run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x240", "-frames:v", "1", "-update", "1", path]);

    /// <summary>"codec,width,height" per stream, e.g. ["h264,1280,720", "aac,,"].</summary>
    public static string[] Streams(string path) =>
        Run("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0:nk=1", path])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static string Run(string tool, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"{tool} did not start; scripts/services.sh start installs it.");
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', start.ArgumentList)} took too long");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', start.ArgumentList)} failed: {errors.Result}");
        }
        return output;
    }

    /// <summary>Live processes whose command line mentions <paramref name="text"/> (Linux /proc).</summary>
    public static List<int> ProcessesMentioning(string text)
    {
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }
            try
            {
                var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                var state = File.ReadAllText(Path.Combine(directory, "stat"));
                // A zombie (state Z) has exited and only waits to be reaped; it runs nothing.
                if (commandLine.Contains(text, StringComparison.Ordinal) && !state[(state.LastIndexOf(')') + 2)..].StartsWith('Z'))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while being looked at.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return found;
    }
}
