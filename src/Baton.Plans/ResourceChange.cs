using System.Collections.Immutable;
using Baton.Values;

namespace Baton.Plans;

/// <summary>The planned change of one resource object, with the values before and after and why.</summary>
public sealed record ResourceChange
{
    /// <summary>The instance address.</summary>
    public required string Address { get; init; }

    /// <summary>The resource type.</summary>
    public required string Type { get; init; }

    /// <summary>The provider instance.</summary>
    public required string Provider { get; init; }

    /// <summary>What happens.</summary>
    public required ChangeAction Action { get; init; }

    /// <summary>For a replacement, the attributes whose change forces it.</summary>
    public ImmutableArray<string> ReplaceBecause { get; init; } = [];

    /// <summary>Why the change is planned, beyond a diff: "tainted", "deleted outside Baton", "no longer in the stack".</summary>
    public string? Reason { get; init; }

    /// <summary>The object's inputs in state (null when there is no object).</summary>
    public Value? PriorInputs { get; init; }

    /// <summary>The object's attributes in state after refresh (null when there is no object).</summary>
    public Value? Before { get; init; }

    /// <summary>The desired inputs (null for a delete); may hold unknown values, filled in at apply.</summary>
    public Value? Inputs { get; init; }

    /// <summary>The attributes after the change as far as known (null for a delete).</summary>
    public Value? After { get; init; }

    /// <summary>The provider's id of the existing object, for updates, replacements and deletes.</summary>
    public string? Id { get; init; }

    /// <summary>For a deposed object, its key.</summary>
    public string? DeposedKey { get; init; }

    /// <summary>The addresses this resource depends on.</summary>
    public ImmutableArray<string> Dependencies { get; init; } = [];

    /// <summary>Whether a replacement creates the new object before deleting the old.</summary>
    public bool CreateBeforeDestroy { get; init; }

    /// <summary>A key unique within the plan: the address, or the address and deposed key.</summary>
    public string Key => DeposedKey is null ? Address : $"{Address}#{DeposedKey}";
}
