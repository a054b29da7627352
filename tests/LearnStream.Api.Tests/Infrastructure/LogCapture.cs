using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LearnStream.Api.Tests.Infrastructure;

/// <summary>A logger provider that keeps every line a node logs, whatever its level, for tests to search.</summary>
public sealed class LogCapture : ILoggerProvider
{
    public sealed record Line(string Category, LogLevel Level, string Message, Exception? Exception, object? State)
    {
        /// <summary>Everything the line carries as text: its message, its exception and its structured state.</summary>
        public string Everything => $"{Message} {Exception} {State}";
    }

    public ConcurrentQueue<Line> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Capturing(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Capturing(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Lines.Enqueue(new Line(category, logLevel, formatter(state, exception), exception, state));
    }
}
