using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace LearnStream.Api.Features.Video.Local;

/// <summary>How a tool run ended: its exit code, its standard output (cut at a cap) and the tail of its error output.</summary>
internal sealed record ToolRun(int ExitCode, string StandardOutput, bool OutputTruncated, string ErrorTail);

/// <summary>
/// Runs ffmpeg or ffprobe with an argument list (never a shell string), keeps bounded copies of what they
/// print, and on cancellation kills the whole process tree so no encoder outlives the job that wanted it.
/// </summary>
internal static class ExternalTool
{
    private const int ErrorTailChars = 4096;

    public static async Task<ToolRun> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        string? workingDirectory,
        int maxOutputChars,
        bool belowNormalPriority,
        CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            CreateNoWindow = true,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        cancellationToken.ThrowIfCancellationRequested();
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"'{fileName}' could not be started ({e.Message}). Install ffmpeg or set Video:Local:FfmpegPath and FfprobePath.", e);
        }
        // Nothing is ever typed into these tools; a closed stdin makes any prompt fail instead of hang.
        process.StandardInput.Close();
        if (belowNormalPriority)
        {
            LowerPriority(process);
        }

        var output = ReadHeadAsync(process.StandardOutput, maxOutputChars);
        var errors = ReadTailAsync(process.StandardError, ErrorTailChars);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            await process.WaitForExitAsync(CancellationToken.None);
            // The pipes close with the process; draining them before disposal leaves no reader faulting later.
            await Task.WhenAll(output, errors);
            throw;
        }
        var (text, truncated) = await output;
        return new ToolRun(process.ExitCode, text, truncated, await errors);
    }

    /// <summary>Encoding may use every core; at lower priority the API's requests still get served first.</summary>
    private static void LowerPriority(Process process)
    {
        try
        {
            process.PriorityClass = ProcessPriorityClass.BelowNormal;
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException or PlatformNotSupportedException)
        {
            // Already exited, or not permitted here: the run is still correct, only less polite.
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception)
        {
            // It exited on its own between the cancellation and the kill.
        }
    }

    private static async Task<(string Text, bool Truncated)> ReadHeadAsync(StreamReader reader, int maxChars)
    {
        var kept = new StringBuilder();
        var truncated = false;
        var buffer = new char[8192];
        int read;
        // Keep reading past the cap: a child blocked on a full pipe would never exit.
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            var room = maxChars - kept.Length;
            kept.Append(buffer, 0, Math.Min(room, read));
            truncated |= read > room;
        }
        return (kept.ToString(), truncated);
    }

    private static async Task<string> ReadTailAsync(StreamReader reader, int maxChars)
    {
        var kept = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            kept.Append(buffer, 0, read);
            if (kept.Length > 2 * maxChars)
            {
                kept.Remove(0, kept.Length - maxChars);
            }
        }
        if (kept.Length > maxChars)
        {
            kept.Remove(0, kept.Length - maxChars);
        }
        return kept.ToString();
    }
}
