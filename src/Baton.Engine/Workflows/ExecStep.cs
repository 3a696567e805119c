using System.Collections.Immutable;
using System.Globalization;
using Baton.Runtime;
using Baton.Values;

namespace Baton.Engine.Workflows;

/// <summary>
/// The built-in <c>exec</c> step: <c>command</c> (an argument list, never a shell string), <c>env</c>,
/// <c>working_dir</c> (inside the stack directory). Outputs <c>stdout</c>, <c>stderr</c> (kept up to a limit each) and
/// <c>exit_code</c>; a non-zero exit fails the attempt (retried under the step's policy) unless <c>expect_exit_code</c>
/// names it. The command runs in a process group of its own that dies with the worker (see <see cref="CommandRunner"/>).
/// </summary>
internal static class ExecStep
{
    public static Task<StepOutcome> RunAsync(Value inputs, string stackDirectory, int maxBytes, CancellationToken cancellationToken) =>
        RunAsync(inputs, stackDirectory, maxBytes, started: null, cancellationToken);

    /// <summary>Runs the step; <paramref name="started"/> is told the command's process as soon as it runs.</summary>
    public static async Task<StepOutcome> RunAsync(Value inputs, string stackDirectory, int maxBytes, Action<CommandProcess>? started, CancellationToken cancellationToken)
    {
        var map = inputs.AsMap();
        // Numbers and bools (such as "${inputs.replicas}" of an int input) are arguments too, written as in env.
        if (!map.TryGetValue("command", out var commandValue) || commandValue.Kind != ValueKind.List || commandValue.AsList().Length == 0
            || commandValue.AsList().Any(a => a.Kind is not (ValueKind.String or ValueKind.Number or ValueKind.Bool)))
        {
            return StepOutcome.Permanent(commandValue?.Kind == ValueKind.String
                ? "exec: command must be an argument list such as [pg_isready, -h, localhost], not a shell string"
                : "exec: command must be a non-empty list of strings");
        }

        var command = commandValue.AsList().Select(a => a.Kind == ValueKind.String ? a.AsString() : a.WithoutSensitivity().ToString()).ToImmutableArray();
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        if (map.TryGetValue("env", out var envValue) && envValue.Kind == ValueKind.Map)
        {
            foreach (var (name, value) in envValue.AsMap())
            {
                env[name] = value.Kind == ValueKind.String ? value.AsString() : value.ToDisplayString();
            }
        }

        var root = PathConfinement.TryCanonicalize(Path.GetFullPath(stackDirectory), out var canonicalStack, out var rootError) ? canonicalStack : null;
        if (root is null)
        {
            return StepOutcome.Permanent($"exec: {rootError}");
        }

        var workingDir = root;
        if (map.TryGetValue("working_dir", out var dirValue) && dirValue.Kind == ValueKind.String)
        {
            var confinement = new PathConfinement(root, [root], "stack directory");
            if (!confinement.TryResolve(dirValue.AsString(), out var resolved, out var error))
            {
                return StepOutcome.Permanent($"exec: working_dir {error}");
            }

            workingDir = resolved;
        }

        int? expected = map.TryGetValue("expect_exit_code", out var expectValue) && expectValue.Kind == ValueKind.Number ? (int)expectValue.AsNumber() : null;
        var (outcome, runError) = await CommandRunner.RunAsync(command, env, workingDir, Timeout.InfiniteTimeSpan, maxBytes, started, cancellationToken);
        if (outcome is null)
        {
            return StepOutcome.Permanent($"exec: {runError}");
        }

        // A command given a secret may print it: its output is then as sensitive as its inputs.
        var secret = inputs.ContainsSensitive;
        var outputs = Value.Map(
        [
            new("stdout", Value.String(outcome.Stdout).WithSensitivity(secret)),
            new("stderr", Value.String(outcome.Stderr).WithSensitivity(secret)),
            new("exit_code", Value.Number(outcome.ExitCode)),
            new("stdout_truncated", Value.Bool(outcome.StdoutTruncated)),
            new("stderr_truncated", Value.Bool(outcome.StderrTruncated)),
        ]);
        if (outcome.ExitCode != (expected ?? 0) && !(expected is null && outcome.ExitCode == 0))
        {
            var tail = Tail(outcome.Stderr.Length > 0 ? outcome.Stderr : outcome.Stdout);
            return StepOutcome.Transient($"exec: {command[0]} exited with {outcome.ExitCode.ToString(CultureInfo.InvariantCulture)}{(tail.Length > 0 ? ": " + tail : "")}") with { Outputs = outputs };
        }

        return StepOutcome.Success(outputs);
    }

    private static string Tail(string text)
    {
        var lines = text.TrimEnd().Split('\n');
        return string.Join("\n", lines.Skip(Math.Max(0, lines.Length - 5))).Trim();
    }
}
