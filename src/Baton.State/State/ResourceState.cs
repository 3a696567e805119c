using System.Collections.Immutable;
using Baton.Values;

namespace Baton.State;

/// <summary>What Baton knows of one resource object: its identity at the provider, its inputs and its attributes.</summary>
public sealed record ResourceState
{
    /// <summary>The instance address, such as <c>web[1]</c>.</summary>
    public required string Address { get; init; }

    /// <summary>The resource type.</summary>
    public required string Type { get; init; }

    /// <summary>The provider instance that manages it, such as <c>s3.dr</c>.</summary>
    public required string Provider { get; init; }

    /// <summary>The provider's id of the object.</summary>
    public required string Id { get; init; }

    /// <summary>The inputs it was last applied with (a map; sensitive parts marked).</summary>
    public required Value Inputs { get; init; }

    /// <summary>All its attributes at the last apply or refresh (a map; sensitive parts marked).</summary>
    public required Value Attributes { get; init; }

    /// <summary>The addresses it depended on when last applied, so it can be deleted in the right order even after it leaves the stack file.</summary>
    public ImmutableArray<string> Dependencies { get; init; } = [];

    /// <summary>Its condition.</summary>
    public ResourceStatus Status { get; init; } = ResourceStatus.Ready;

    /// <summary>For a deposed object, a key that tells it from the current object at the same address.</summary>
    public string? DeposedKey { get; init; }

    /// <summary>The key of this object in a stack's state: the address, or the address and deposed key.</summary>
    public string Key => DeposedKey is null ? Address : $"{Address}#{DeposedKey}";
}
