using System.Collections.Immutable;

namespace Baton.Providers;

/// <summary>A workflow action a provider offers, such as <c>postgres.dump</c>.</summary>
public sealed record ActionSchema
{
    /// <summary>The full action name.</summary>
    public required string Name { get; init; }

    /// <summary>What it does.</summary>
    public string? Description { get; init; }

    /// <summary>The inputs (<c>with:</c>).</summary>
    public ImmutableArray<AttributeSchema> Inputs { get; init; } = [];

    /// <summary>The outputs (<c>steps.ID.outputs.*</c>).</summary>
    public ImmutableArray<AttributeSchema> Outputs { get; init; } = [];
}
