using System.Collections.Immutable;
using Baton.Diagnostics;
using Baton.Expressions;

namespace Baton.Spec.Declarations;

/// <summary>A resource as written, before <c>count</c>/<c>for_each</c> expansion.</summary>
public sealed record ResourceSpec
{
    /// <summary>The resource's name.</summary>
    public required string Name { get; init; }

    /// <summary>Where the name is declared.</summary>
    public required SourceSpan NameSpan { get; init; }

    /// <summary>The type, <c>family.kind</c>.</summary>
    public required string Type { get; init; }

    /// <summary>Where the type is written.</summary>
    public required SourceSpan TypeSpan { get; init; }

    /// <summary>What the resource is.</summary>
    public string? Description { get; init; }

    /// <summary>The properties, a map expression; null when there are none.</summary>
    public Expression? Properties { get; init; }

    /// <summary>Explicit dependencies.</summary>
    public ImmutableArray<NameReference> DependsOn { get; init; } = [];

    /// <summary>The number of instances, when counted.</summary>
    public Expression? Count { get; init; }

    /// <summary>The collection to make one instance per key of.</summary>
    public Expression? ForEach { get; init; }

    /// <summary>
    /// The host groups (or single hosts) of <c>hosts:</c>: one instance per host, keyed by the host's name, as with
    /// <c>for_each</c>; empty when the resource is not bound to hosts.
    /// </summary>
    public ImmutableArray<NameReference> Hosts { get; init; } = [];

    /// <summary>Notifications this resource sends when it changes (<c>notifies:</c>) and asks for (<c>subscribes:</c>), in the order written.</summary>
    public ImmutableArray<NotificationSpec> Notifications { get; init; } = [];

    /// <summary>The provider instance, when not the family's default.</summary>
    public NameReference? Provider { get; init; }

    /// <summary>Lifecycle settings.</summary>
    public LifecycleSpec Lifecycle { get; init; } = LifecycleSpec.Default;

    /// <summary>Operation time limits.</summary>
    public TimeoutsSpec? Timeouts { get; init; }

    /// <summary>Autoscaling, when declared.</summary>
    public AutoscaleSpec? Autoscale { get; init; }

    /// <summary>The provider family: the part of <see cref="Type"/> before the first dot.</summary>
    public string Family => Type.IndexOf('.', StringComparison.Ordinal) is var dot and > 0 ? Type[..dot] : Type;
}
