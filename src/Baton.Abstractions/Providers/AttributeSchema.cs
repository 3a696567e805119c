using Baton.Values;

namespace Baton.Providers;

/// <summary>One attribute of a resource type, an action or a provider configuration.</summary>
public sealed record AttributeSchema
{
    /// <summary>The attribute's name, as written in <c>properties</c> and read as <c>resource.NAME</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Its type.</summary>
    public required BatonType Type { get; init; }

    /// <summary>What it means.</summary>
    public string? Description { get; init; }

    /// <summary>Whether the stack must set it.</summary>
    public bool Required { get; init; }

    /// <summary>Whether the provider sets it (an output, known after apply). An attribute may be both settable and computed.</summary>
    public bool Computed { get; init; }

    /// <summary>For a computed attribute: whether the stack may set it too (the provider computes it when it is left out).</summary>
    public bool Optional { get; init; }

    /// <summary>Whether the stack may set it: every attribute that is not computed, and computed ones that are required or optional.</summary>
    public bool IsInput => !Computed || Required || Optional;

    /// <summary>Whether a change of it replaces the resource rather than updating it.</summary>
    public bool ForceNew { get; init; }

    /// <summary>Whether its value is secret.</summary>
    public bool Sensitive { get; init; }

    /// <summary>The value when the stack leaves it out.</summary>
    public Value? Default { get; init; }

    /// <summary>An input the stack sets.</summary>
    public static AttributeSchema Input(string name, BatonType type, string? description = null) =>
        new() { Name = name, Type = type, Description = description };

    /// <summary>An output the provider sets.</summary>
    public static AttributeSchema Output(string name, BatonType type, string? description = null) =>
        new() { Name = name, Type = type, Description = description, Computed = true };
}
