using System.Collections.Immutable;

namespace Baton.Spec.Declarations;

/// <summary>How changes to a resource are carried out.</summary>
public sealed record LifecycleSpec
{
    /// <summary>No lifecycle settings.</summary>
    public static LifecycleSpec Default { get; } = new();

    /// <summary>On replacement, create the new instance first.</summary>
    public bool CreateBeforeDestroy { get; init; }

    /// <summary>Refuse plans that delete the resource.</summary>
    public bool PreventDestroy { get; init; }

    /// <summary>Properties whose changes are ignored after creation.</summary>
    public ImmutableArray<string> IgnoreChanges { get; init; } = [];
}
