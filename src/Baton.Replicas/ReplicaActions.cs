using System.Collections.Immutable;
using Baton.Providers;
using Baton.Values;

namespace Baton.Replicas;

/// <summary>
/// What the actions of every replicated service share: the restart action's inputs and outputs (the control plane
/// replaces an unhealthy replica through <c>FAMILY.restart</c> with <c>replicas</c>), and an exec's outputs.
/// </summary>
public static class ReplicaActions
{
    /// <summary>A permanent failure of <paramref name="action"/>, the message prefixed with the action's name.</summary>
    public static InvokeResult Failed(string action, string message) =>
        new() { Error = ProviderError.Permanent($"{action}: {message}") };

    /// <summary>Reads an action's input by name from <paramref name="inputs"/> (a map): null when missing or null.</summary>
    public static Func<string, Value?> InputReader(Value inputs)
    {
        var map = inputs.AsMap();
        return name => map.TryGetValue(name, out var value) && value.Kind != ValueKind.Null ? value : null;
    }

    /// <summary>The input naming the service, by its id output.</summary>
    public static AttributeSchema ServiceInput(bool required) => new()
    {
        Name = "service",
        Type = BatonType.String,
        Required = required,
        Description = "The service's id (its id output, such as ${web.id}).",
    };

    /// <summary>The restart action's inputs; <paramref name="what"/> names a replica ("replica", "container").</summary>
    public static ImmutableArray<AttributeSchema> RestartInputs(string what) =>
    [
        ServiceInput(required: true),
        AttributeSchema.Input("strategy", BatonType.String, $"rolling: one {what} at a time (stop it, start it again, wait until it is ready, then the next); all: stop every {what}, then start them all.") with { Default = Value.String("rolling") },
        AttributeSchema.Input("replicas", BatonType.ListOf(BatonType.Number), "Only these replicas, by index (the control plane replaces an unhealthy replica this way); all of them when left out."),
    ];

    /// <summary>The restart action's outputs.</summary>
    public static ImmutableArray<AttributeSchema> RestartOutputs { get; } =
    [
        AttributeSchema.Output("pids", BatonType.ListOf(BatonType.Number), "The new replicas' process ids."),
        AttributeSchema.Output("endpoints", BatonType.ListOf(BatonType.String), "\"127.0.0.1:PORT\" per replica, when a port is set (unchanged by a restart while the ports stay free)."),
    ];

    /// <summary>An exec's outputs (what a command wrote, the first 64 KiB of each stream).</summary>
    public static ImmutableArray<AttributeSchema> ExecOutputs { get; } =
    [
        AttributeSchema.Output("exit_code", BatonType.Int, "The command's exit code (128 + N when killed by signal N)."),
        AttributeSchema.Output("stdout", BatonType.String, "Its standard output (UTF-8), the first 64 KiB."),
        AttributeSchema.Output("stderr", BatonType.String, "Its standard error (UTF-8), the first 64 KiB."),
        AttributeSchema.Output("stdout_truncated", BatonType.Bool, "Whether stdout was longer than 64 KiB."),
        AttributeSchema.Output("stderr_truncated", BatonType.Bool, "Whether stderr was longer than 64 KiB."),
    ];

    /// <summary>Reads the restart action's <c>strategy</c> and <c>replicas</c>; false with the reason when one is wrong.</summary>
    public static bool TryReadRestart(Func<string, Value?> get, out RestartStrategy strategy, out IReadOnlySet<int>? only, out string? error)
    {
        ArgumentNullException.ThrowIfNull(get);
        strategy = RestartStrategy.Rolling;
        only = null;
        error = null;
        switch (get("strategy"))
        {
            case null:
                break;
            case { Kind: ValueKind.String } s when s.AsString() is "rolling" or "all":
                strategy = s.AsString() == "all" ? RestartStrategy.All : RestartStrategy.Rolling;
                break;
            case var other:
                error = $"strategy must be \"rolling\" or \"all\", got {other}";
                return false;
        }

        switch (get("replicas"))
        {
            case null:
                return true;
            case { Kind: ValueKind.List } list when list.AsList().All(v => v.Kind == ValueKind.Number && v.IsInteger && v.AsNumber() >= 0):
                only = list.AsList().Select(v => (int)v.AsNumber()).ToHashSet();
                return true;
            case var other:
                error = $"replicas must be a list of replica indexes such as [0, 2], got {other}";
                return false;
        }
    }

    /// <summary>Reads an exec's <c>expect_exit_code</c> (null when left out); false with the reason when it is wrong.</summary>
    public static bool TryReadExpectedExitCode(Value? value, out int? expected, out string? error)
    {
        expected = null;
        error = null;
        if (value is null)
        {
            return true;
        }

        if (value.Kind == ValueKind.Number && value.IsInteger && value.AsNumber() is >= 0 and <= 255)
        {
            expected = (int)value.AsNumber();
            return true;
        }

        error = "expect_exit_code must be a whole number from 0 to 255";
        return false;
    }

    /// <summary>An exec's outputs as a value.</summary>
    public static Value ExecResult(int exitCode, string stdout, string stderr, bool stdoutTruncated, bool stderrTruncated) => Value.Map(
    [
        new("exit_code", Value.Number(exitCode)),
        new("stdout", Value.String(stdout)),
        new("stderr", Value.String(stderr)),
        new("stdout_truncated", Value.Bool(stdoutTruncated)),
        new("stderr_truncated", Value.Bool(stderrTruncated)),
    ]);
}
