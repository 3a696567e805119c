using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Baton.Server;

/// <summary>
/// Structured log lines to a text writer, one per entry: time, level, category, then every named value as
/// <c>key=value</c> (quoted when it has spaces). Baton's own categories log from <see cref="MinimumLevel"/>, the web
/// host's from Warning.
/// </summary>
internal sealed class TextWriterLoggerProvider(TextWriter writer, LogLevel minimumLevel) : ILoggerProvider
{
    private readonly Lock _gate = new();

    public LogLevel MinimumLevel { get; } = minimumLevel;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Write(string line)
    {
        lock (_gate)
        {
            writer.WriteLine(line);
        }
    }

    private sealed class Logger(TextWriterLoggerProvider owner, string category) : ILogger
    {
        private readonly LogLevel _minimum = category.StartsWith("Baton", StringComparison.Ordinal) ? owner.MinimumLevel : LogLevel.Warning;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= _minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var line = new StringBuilder()
                .Append(DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture))
                .Append(' ').Append(Level(logLevel)).Append(' ').Append(category);
            if (state is IReadOnlyList<KeyValuePair<string, object?>> values && values.Any(v => v.Key != "{OriginalFormat}"))
            {
                foreach (var (key, value) in values)
                {
                    if (key != "{OriginalFormat}" && value is not null)
                    {
                        line.Append(' ').Append(char.ToLowerInvariant(key[0])).Append(key.AsSpan(1)).Append('=').Append(Quote(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""));
                    }
                }
            }
            else
            {
                line.Append(" message=").Append(Quote(formatter(state, exception)));
            }

            if (exception is not null)
            {
                line.Append(" error=").Append(Quote(exception.GetType().Name + ": " + exception.Message));
            }

            owner.Write(line.ToString());
        }

        private static string Level(LogLevel level) => level switch
        {
            LogLevel.Trace => "trace",
            LogLevel.Debug => "debug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "error",
            _ => "crit",
        };

        private static string Quote(string text) =>
            text.Length > 0 && !text.Any(c => char.IsWhiteSpace(c) || c is '"' or '=') ? text : "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
    }
}
