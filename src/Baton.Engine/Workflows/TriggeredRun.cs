using Baton.Runs;

namespace Baton.Engine.Workflows;

/// <summary>A workflow an event triggered: the run it started, or why it could not start one.</summary>
/// <param name="Workflow">The workflow.</param>
/// <param name="Run">The new run (pending, for a worker to execute); null when it could not start.</param>
/// <param name="Problem">Why no run started (its inputs have no defaults).</param>
public sealed record TriggeredRun(string Workflow, RunRecord? Run, string? Problem);
