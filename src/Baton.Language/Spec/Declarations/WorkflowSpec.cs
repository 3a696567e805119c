using System.Collections.Immutable;
using Baton.Diagnostics;
using Baton.Expressions;

namespace Baton.Spec.Declarations;

/// <summary>A workflow as written: inputs, steps and how runs start.</summary>
public sealed record WorkflowSpec
{
    /// <summary>The workflow's name.</summary>
    public required string Name { get; init; }

    /// <summary>Where the name is declared.</summary>
    public required SourceSpan NameSpan { get; init; }

    /// <summary>What the workflow does.</summary>
    public string? Description { get; init; }

    /// <summary>A cron schedule, when runs start on one.</summary>
    public NameReference? Schedule { get; init; }

    /// <summary>The time zone the schedule is read in (an IANA name); UTC when null.</summary>
    public NameReference? TimeZone { get; init; }

    /// <summary>What a fire does while a run of the workflow is unfinished: skip, buffer_one or allow.</summary>
    public string Overlap { get; init; } = "skip";

    /// <summary>How far back missed fires are still started after downtime.</summary>
    public TimeSpan CatchUp { get; init; }

    /// <summary>Events that start runs.</summary>
    public ImmutableArray<TriggerSpec> Triggers { get; init; } = [];

    /// <summary>Whether runs may start through the signed webhook.</summary>
    public bool Webhook { get; init; }

    /// <summary>Declared inputs.</summary>
    public ImmutableArray<VariableSpec> Inputs { get; init; } = [];

    /// <summary>The steps, in file order.</summary>
    public required ImmutableArray<StepSpec> Steps { get; init; }

    /// <summary>Steps that always run when the run ends.</summary>
    public ImmutableArray<StepSpec> OnExit { get; init; } = [];

    /// <summary>The workflow's outputs, a map expression.</summary>
    public Expression? Outputs { get; init; }

    /// <summary>The limit for a whole run.</summary>
    public TimeSpan? Timeout { get; init; }
}
