using System.Collections.Immutable;
using Baton.Diagnostics;
using Baton.Values;

namespace Baton.Providers;

/// <summary>The attributes a change will leave (unknown where only apply can tell), and the attributes that force a replacement.</summary>
public sealed record PlanResult
{
    /// <summary>The attributes after the change, a map.</summary>
    public required Value PlannedAttributes { get; init; }

    /// <summary>The attributes whose change forces replacement; empty for an update in place.</summary>
    public ImmutableArray<string> RequiresReplace { get; init; } = [];

    /// <summary>Problems found while planning.</summary>
    public ImmutableArray<Diagnostic> Diagnostics { get; init; } = [];
}
