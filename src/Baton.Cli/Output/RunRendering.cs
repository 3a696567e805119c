using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Baton.Cli.Commands;
using Baton.Runs;
using Baton.Values;

namespace Baton.Cli.Output;

/// <summary><c>baton runs show</c>: a run, its steps and its history, sensitive values redacted.</summary>
internal static class RunRendering
{
    public static string Text(RunRecord run, IReadOnlyList<StepRecord> steps, IReadOnlyList<RunEvent> events)
    {
        var text = new StringBuilder();
        var took = (run.FinishedAt ?? DateTimeOffset.UtcNow) - run.CreatedAt;
        text.Append(CultureInfo.InvariantCulture, $"Run {run.Id}: {run.Workflow}, {run.Status.ToString().ToLowerInvariant()}");
        text.Append(CultureInfo.InvariantCulture, $" ({Baton.Text.Durations.Format(took)}, started {run.CreatedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC, trigger {run.Trigger})\n");
        if (run.Error is { } error)
        {
            text.Append(CultureInfo.InvariantCulture, $"  error: {error}\n");
        }

        if (run.Inputs.AsMap().Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"  inputs: {run.Inputs}\n");
        }

        text.Append("\nSteps:\n");
        foreach (var step in steps)
        {
            var duration = step is { StartedAt: { } s, FinishedAt: { } f } ? $", {Baton.Text.Durations.Format(f - s)}" : "";
            var attempts = step.Attempt > 1 ? $", {step.Attempt} attempts" : "";
            text.Append(CultureInfo.InvariantCulture, $"  {step.Key,-24} {RunStatusText.Words(step.Status)}{attempts}{duration}\n");
            if (step.DueAt is { } due && step.Status is StepStatus.RetryScheduled or StepStatus.Waiting or StepStatus.WaitingApproval)
            {
                text.Append(CultureInfo.InvariantCulture, $"      until {due.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC\n");
            }

            if (step.Outputs is { } outputs && outputs.Kind == ValueKind.Map)
            {
                foreach (var (name, value) in outputs.AsMap())
                {
                    text.Append(CultureInfo.InvariantCulture, $"      {name} = {Shorten(value.ToString())}\n");
                }
            }

            foreach (var e in events.Where(e => e.Step == step.Key && e.Kind is "step.failed" or "step.retry_scheduled" or "step.rejected" or "step.approval_expired" or "step.compensation_failed"))
            {
                text.Append(CultureInfo.InvariantCulture, $"      attempt {e.Attempt}: {Field(e.Data, "error")}\n");
            }
        }

        if (run.Outputs is { } runOutputs && runOutputs.AsMap().Count > 0)
        {
            text.Append("\nOutputs:\n");
            foreach (var (name, value) in runOutputs.AsMap())
            {
                text.Append(CultureInfo.InvariantCulture, $"  {name} = {value}\n");
            }
        }

        text.Append("\nHistory:\n");
        foreach (var e in events)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {e.Seq,4} {e.At.UtcDateTime:HH:mm:ss.fff} {e.Kind,-26} {e.Step}{(e.Attempt > 0 ? $" #{e.Attempt}" : "")}\n");
        }

        return text.ToString();
    }

    public static string Json(RunRecord run, IReadOnlyList<StepRecord> steps, IReadOnlyList<RunEvent> events)
    {
        var root = new JsonObject
        {
            ["id"] = run.Id,
            ["stack"] = run.Stack,
            ["workflow"] = run.Workflow,
            ["status"] = run.Status.ToString().ToLowerInvariant(),
            ["trigger"] = run.Trigger,
            ["error"] = run.Error,
            ["created_at"] = run.CreatedAt,
            ["finished_at"] = run.FinishedAt,
            ["inputs"] = Node(run.Inputs),
            ["outputs"] = run.Outputs is { } o ? Node(o) : null,
            ["steps"] = new JsonArray([.. steps.Select(s => (JsonNode)new JsonObject
            {
                ["key"] = s.Key,
                ["status"] = s.Status.ToString().ToLowerInvariant(),
                ["attempt"] = s.Attempt,
                ["started_at"] = s.StartedAt,
                ["finished_at"] = s.FinishedAt,
                ["due_at"] = s.DueAt,
                ["error"] = s.Error,
                ["outputs"] = s.Outputs is { } so ? Node(so) : null,
            })]),
            ["events"] = new JsonArray([.. events.Select(e => (JsonNode)new JsonObject
            {
                ["seq"] = e.Seq,
                ["kind"] = e.Kind,
                ["step"] = e.Step,
                ["attempt"] = e.Attempt,
                ["at"] = e.At,
                ["data"] = Node(e.Data),
            })]),
        };
        return root.ToJsonString();
    }

    private static JsonNode? Node(Value value) => JsonNode.Parse(ValueJson.ToJson(OutputCommand.Redact(value), null, "run"));

    private static string? Field(Value data, string name) =>
        data.Kind == ValueKind.Map && data.AsMap().TryGetValue(name, out var value) ? value.ToDisplayString() : null;

    private static string Shorten(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= 200 ? line : line[..200] + "…";
    }
}
