using System.Collections.Immutable;

namespace Baton.Providers;

/// <summary>Everything a provider family offers: its configuration, resource types and actions.</summary>
public sealed record ProviderSchema
{
    /// <summary>The family name: <c>sim</c>, <c>file</c>, <c>postgres</c>.</summary>
    public required string Family { get; init; }

    /// <summary>What the provider drives.</summary>
    public string? Description { get; init; }

    /// <summary>The provider configuration's attributes (under <c>providers:</c>).</summary>
    public ImmutableArray<AttributeSchema> Configuration { get; init; } = [];

    /// <summary>The resource types.</summary>
    public ImmutableArray<ResourceTypeSchema> ResourceTypes { get; init; } = [];

    /// <summary>The workflow actions.</summary>
    public ImmutableArray<ActionSchema> Actions { get; init; } = [];

    /// <summary>The resource type named <paramref name="type"/>, or null.</summary>
    public ResourceTypeSchema? ResourceType(string type)
    {
        foreach (var schema in ResourceTypes)
        {
            if (string.Equals(schema.Type, type, StringComparison.Ordinal))
            {
                return schema;
            }
        }

        return null;
    }
}
