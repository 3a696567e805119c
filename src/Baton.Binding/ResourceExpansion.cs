using System.Collections.Immutable;
using Baton.Values;

namespace Baton.Binding;

/// <summary>How a resource expands into instances: once, <c>count</c> times, or once per <c>for_each</c> key.</summary>
internal sealed record ResourceExpansion
{
    /// <summary>A resource with neither <c>count</c> nor <c>for_each</c>.</summary>
    public static ResourceExpansion Single { get; } = new() { Mode = ExpansionMode.Single };

    public required ExpansionMode Mode { get; init; }

    /// <summary>The count, for counted resources whose count is known.</summary>
    public int? Count { get; init; }

    /// <summary>The keys and values, for <c>for_each</c> resources whose collection is known.</summary>
    public ImmutableArray<KeyValuePair<string, Value>>? Each { get; init; }

    /// <summary>Whether the instances are known (false when count/for_each could not be evaluated).</summary>
    public bool IsKnown => Mode == ExpansionMode.Single || Count is not null || Each is not null;
}
