using Baton.Diagnostics;
using Baton.Engine.Providers;
using Baton.Expressions;
using Baton.Providers;
using Baton.Spec.Model;
using Baton.Text;
using Baton.Values;

namespace Baton.Engine.Planning;

/// <summary>
/// Checks resources against their providers' schemas before anything runs: the type exists, every property is one
/// the type has, required properties are set, and literal values have the declared type.
/// </summary>
public static class ProviderSchemaChecker
{
    /// <summary>Checks every resource of <paramref name="spec"/>.</summary>
    public static void Check(StackSpec spec, ProviderRegistry registry, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var provided = spec.Providers.ToDictionary(p => p.Name, StringComparer.Ordinal);
        foreach (var resource in spec.Resources)
        {
            var family = resource.Provider is { } instance && provided.TryGetValue(instance.Name, out var configured) ? configured.Family : resource.Family;
            if (!registry.Factories.TryGetValue(family, out var factory))
            {
                diagnostics.Error(
                    DiagnosticCodes.UnknownResourceType,
                    $"there is no provider \"{family}\" for resource \"{resource.Name}\"",
                    resource.TypeSpan,
                    Suggestions.DidYouMean(family, registry.Factories.Keys) ?? "providers: " + string.Join(", ", registry.Factories.Keys.Order(StringComparer.Ordinal)));
                continue;
            }

            var schema = factory.Schema.ResourceType(resource.Type);
            if (schema is null)
            {
                diagnostics.Error(
                    DiagnosticCodes.UnknownResourceType,
                    $"provider \"{family}\" has no resource type \"{resource.Type}\"",
                    resource.TypeSpan,
                    Suggestions.DidYouMean(resource.Type, factory.Schema.ResourceTypes.Select(t => t.Type))
                        ?? "it has " + string.Join(", ", factory.Schema.ResourceTypes.Select(t => t.Type)));
                continue;
            }

            CheckProperties(resource, schema, diagnostics);
        }
    }

    private static void CheckProperties(ResourceSpec resource, ResourceTypeSchema schema, DiagnosticBag diagnostics)
    {
        var given = new HashSet<string>(StringComparer.Ordinal);
        if (resource.Properties is MapExpression map)
        {
            foreach (var entry in map.Entries)
            {
                if (entry.Key is not LiteralExpression { Value.Kind: ValueKind.String } key)
                {
                    continue;
                }

                var name = key.Value.AsString();
                given.Add(name);
                var attribute = schema.Attribute(name);
                if (attribute is null || !attribute.IsInput)
                {
                    diagnostics.Error(
                        DiagnosticCodes.UnknownAttribute,
                        attribute is null
                            ? $"{schema.Type} has no property \"{name}\""
                            : $"\"{name}\" of {schema.Type} is set by the provider, not by the stack",
                        key.Span,
                        Suggestions.DidYouMean(name, schema.Attributes.Where(a => a.IsInput).Select(a => a.Name)));
                    continue;
                }

                if (entry.Value is LiteralExpression { Value.Kind: not ValueKind.Null } literal
                    && !attribute.Type.TryConvert(literal.Value, out _, out var error))
                {
                    diagnostics.Error(DiagnosticCodes.AttributeType, $"\"{name}\" of {schema.Type} must be {attribute.Type}: {error}", literal.Span);
                }
            }
        }

        foreach (var attribute in schema.Attributes)
        {
            if (attribute.Required && !given.Contains(attribute.Name))
            {
                diagnostics.Error(
                    DiagnosticCodes.MissingAttribute,
                    $"resource \"{resource.Name}\" ({schema.Type}) must set \"{attribute.Name}\"",
                    resource.NameSpan,
                    attribute.Description);
            }
        }
    }
}
