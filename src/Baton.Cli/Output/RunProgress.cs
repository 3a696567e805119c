using Baton.Engine.Workflows;
using Baton.Runs;
using Baton.Values;

namespace Baton.Cli.Output;

/// <summary>A run's progress as lines: one per finished step, retry, wait, approval gate and compensation.</summary>
internal sealed class RunProgress(TextWriter output) : IRunObserver
{
    private readonly Lock _gate = new();

    public void OnTransition(RunRecord run, RunTransition transition)
    {
        var e = transition.Event;
        var step = transition.Step;
        var took = step is { StartedAt: { } started, FinishedAt: { } finished } ? $" ({(finished - started).TotalSeconds:0.0}s)" : "";
        var line = e.Kind switch
        {
            "step.succeeded" => $"  + {e.Step}{took}",
            "step.approved" => $"  + {e.Step}: approved by {Text(e.Data, "by")}",
            "step.failed" or "step.rejected" or "step.approval_expired" => $"  ! {e.Step}: {step?.Error}",
            "step.retry_scheduled" => $"  ~ {e.Step}: attempt {e.Attempt} failed ({step?.Error}); retrying at {step?.DueAt:HH:mm:ss}",
            "step.skipped" => $"  . {e.Step}: skipped, {Text(e.Data, "reason")}",
            "step.cancelled" => $"  . {e.Step}: cancelled",
            "step.waiting" => $"  … {e.Step}: waiting until {step?.DueAt:HH:mm:ss}",
            "step.waiting_approval" => $"  ? {e.Step}: waiting for approval{(Text(e.Data, "message") is { Length: > 0 } m ? $" ({m})" : "")}; baton approve {run.Id} {e.Step} [--reject]",
            "step.compensating" => $"  < {e.Step}: compensating ({Text(e.Data, "uses")})",
            "step.compensated" => $"  < {e.Step}: compensated",
            "step.compensation_failed" => $"  ! {e.Step}: compensation failed: {step?.Error}",
            "step.orphan_killed" => $"  ~ {e.Step}: killed process group {Number(e.Data, "pid")}, left running by interrupted attempt {e.Attempt}, before retrying",
            "step.orphan_alive" => $"  ! {e.Step}: process group {Number(e.Data, "pid")} of interrupted attempt {e.Attempt} survived SIGKILL",
            "run.cancel_requested" => $"  cancel requested by {Text(e.Data, "by")}",
            _ => null,
        };
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            output.WriteLine(line);
        }
    }

    private static string? Number(Value data, string name) =>
        data.Kind == ValueKind.Map && data.AsMap().TryGetValue(name, out var value) && value.Kind == ValueKind.Number ? Value.FormatNumber(value.AsNumber()) : null;

    private static string? Text(Value data, string name) =>
        data.Kind == ValueKind.Map && data.AsMap().TryGetValue(name, out var value) && value.Kind == ValueKind.String ? value.AsString() : null;
}
