using System.Collections.Immutable;

namespace Baton.Providers;

/// <summary>A resource type a provider manages: its attributes and how they behave.</summary>
public sealed record ResourceTypeSchema
{
    /// <summary>The full type name, such as <c>sim.resource</c>.</summary>
    public required string Type { get; init; }

    /// <summary>What the type is.</summary>
    public string? Description { get; init; }

    /// <summary>The attributes, inputs and outputs.</summary>
    public required ImmutableArray<AttributeSchema> Attributes { get; init; }

    /// <summary>The attribute named <paramref name="name"/>, or null.</summary>
    public AttributeSchema? Attribute(string name)
    {
        foreach (var attribute in Attributes)
        {
            if (string.Equals(attribute.Name, name, StringComparison.Ordinal))
            {
                return attribute;
            }
        }

        return null;
    }
}
