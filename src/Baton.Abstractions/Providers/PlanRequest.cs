using Baton.Values;

namespace Baton.Providers;

/// <summary>
/// A planned change of one resource instance. <see cref="PriorInputs"/> and <see cref="PriorAttributes"/> are null
/// for a create; <see cref="Inputs"/> may hold unknown values.
/// </summary>
public sealed record PlanRequest
{
    /// <summary>The resource type.</summary>
    public required string Type { get; init; }

    /// <summary>The instance address.</summary>
    public required string Address { get; init; }

    /// <summary>The desired inputs.</summary>
    public required Value Inputs { get; init; }

    /// <summary>The inputs at the last apply.</summary>
    public Value? PriorInputs { get; init; }

    /// <summary>The attributes at the last refresh.</summary>
    public Value? PriorAttributes { get; init; }
}
