using Baton.Values;

namespace Baton.Engine.Planning;

/// <summary>How to plan. Every default is written here.</summary>
public sealed record PlanOptions
{
    /// <summary>Plan the deletion of everything (<c>baton destroy</c>). Default: false.</summary>
    public bool Destroy { get; init; }

    /// <summary>Only these addresses (and what they depend on) are planned; empty means all. Default: empty.</summary>
    public IReadOnlySet<string> Targets { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>How many provider calls run at once during planning and refresh. Default: 32.</summary>
    public int Parallelism { get; init; } = 32;

    /// <summary>
    /// Property values that replace what the stack file gives, by resource address (the autoscaler's replica count, or
    /// a load balancer's upstream while a replica drains). Default: none.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, Value>> InputOverrides { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, Value>>(StringComparer.Ordinal);
}
