using System.Collections;

namespace Baton.Cli;

/// <summary>
/// What a command may touch of the world: its output streams, the environment and the working directory. Tests pass
/// their own, so commands run in-process exactly as from a shell.
/// </summary>
internal sealed record CliContext
{
    /// <summary>Where results go.</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Where diagnostics and progress go.</summary>
    public required TextWriter Error { get; init; }

    /// <summary>Whether <see cref="Out"/> is a terminal that takes colour.</summary>
    public bool OutColor { get; init; }

    /// <summary>Whether <see cref="Error"/> is a terminal that takes colour.</summary>
    public bool ErrorColor { get; init; }

    /// <summary>Where answers to questions come from.</summary>
    public TextReader In { get; init; } = TextReader.Null;

    /// <summary>Whether a person is at a terminal to answer questions and press Ctrl-C.</summary>
    public bool Interactive { get; init; }

    /// <summary>Environment variables.</summary>
    public required IReadOnlyDictionary<string, string> Environment { get; init; }

    /// <summary>The directory relative paths are resolved against.</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>The real console: colour only on a terminal, and never when NO_COLOR is set.</summary>
    public static CliContext FromConsole()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = (string?)entry.Value ?? string.Empty;
        }

        return new CliContext
        {
            Out = Console.Out,
            Error = Console.Error,
            In = Console.In,
            Interactive = !Console.IsInputRedirected && !Console.IsOutputRedirected,
            OutColor = WantsColour(environment, Console.IsOutputRedirected),
            ErrorColor = WantsColour(environment, Console.IsErrorRedirected),
            Environment = environment,
            WorkingDirectory = Directory.GetCurrentDirectory(),
        };
    }

    /// <summary>Colour only on a terminal, and never when NO_COLOR is set to anything (no-color.org).</summary>
    public static bool WantsColour(IReadOnlyDictionary<string, string> environment, bool redirected) =>
        !redirected && !(environment.TryGetValue("NO_COLOR", out var value) && value.Length > 0);

    /// <summary>Resolves a path the user typed against <see cref="WorkingDirectory"/>.</summary>
    public string Resolve(string path) => Path.GetFullPath(Path.Combine(WorkingDirectory, path));
}
