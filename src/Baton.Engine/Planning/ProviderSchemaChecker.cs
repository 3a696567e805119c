using Baton.Diagnostics;
using Baton.Engine.Providers;
using Baton.Expressions;
using Baton.Binding;
using Baton.Providers;
using Baton.Spec.Declarations;
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

        CheckActions(spec, registry, diagnostics);
        CheckNotifications(spec, registry, provided, diagnostics);
    }

    /// <summary>Checks that every step's provider action exists and that its literal inputs are ones the action takes.</summary>
    private static void CheckActions(StackSpec spec, ProviderRegistry registry, DiagnosticBag diagnostics)
    {
        var provided = spec.Providers.ToDictionary(p => p.Name, StringComparer.Ordinal);
        foreach (var workflow in spec.Workflows)
        {
            foreach (var step in workflow.Steps.Concat(workflow.OnExit))
            {
                CheckAction(step.Uses, step.With, $"step \"{step.Id}\"", provided, registry, diagnostics);
                if (step.Compensate is { } compensate)
                {
                    CheckAction(compensate.Uses, compensate.With, $"the compensation of step \"{step.Id}\"", provided, registry, diagnostics);
                }
            }
        }
    }

    private static void CheckAction(NameReference uses, Expression? with, string owner, Dictionary<string, ProviderSpec> provided, ProviderRegistry registry, DiagnosticBag diagnostics)
    {
        var dot = uses.Name.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || BuiltInActions.IsStackOperation(uses.Name))
        {
            return;
        }

        var prefix = uses.Name[..dot];
        var family = provided.TryGetValue(prefix, out var configured) ? configured.Family : prefix;
        if (!registry.Factories.TryGetValue(family, out var factory))
        {
            // Not a provider: the workflow checker has already said what is wrong with the name.
            return;
        }

        var action = factory.Schema.Actions.FirstOrDefault(a => a.Name == uses.Name);
        if (action is null)
        {
            var all = factory.Schema.Actions.Select(a => a.Name).ToList();
            diagnostics.Error(
                DiagnosticCodes.InvalidAction,
                $"provider \"{family}\" has no action \"{uses.Name}\" ({owner})",
                uses.Span,
                Suggestions.DidYouMean(uses.Name, all) ?? (all.Count == 0 ? $"\"{family}\" has no actions" : "its actions: " + string.Join(", ", all)));
            return;
        }

        CheckInputs(with as MapExpression, action.Inputs, action.Name, $"{owner} ({action.Name})", "input", uses.Span, diagnostics, requireAll: with is null or MapExpression);
    }

    private static void CheckProperties(ResourceSpec resource, ResourceTypeSchema schema, DiagnosticBag diagnostics)
    {
        // With hosts:, the engine sets the input host to each instance's host.
        var byEngine = resource.Hosts.IsEmpty ? [] : new[] { InstanceInputs.HostInput };
        if (!resource.Hosts.IsEmpty && !schema.Attributes.Any(a => a.Name == InstanceInputs.HostInput && a.IsInput))
        {
            diagnostics.Error(
                DiagnosticCodes.UnknownHost,
                $"resource \"{resource.Name}\" ({schema.Type}) has hosts:, but {schema.Type} does not run on a host",
                resource.Hosts[0].Span,
                "hosts: is for resources of the host provider, such as host.file");
        }

        CheckInputs(resource.Properties as MapExpression, schema.Attributes, schema.Type, $"resource \"{resource.Name}\" ({schema.Type})", "property", resource.NameSpan, diagnostics, requireAll: true, byEngine);
    }

    /// <summary>
    /// Checks every notification's verb: the target's provider must have the action <c>family.verb</c> that runs it.
    /// </summary>
    private static void CheckNotifications(StackSpec spec, ProviderRegistry registry, Dictionary<string, ProviderSpec> provided, DiagnosticBag diagnostics)
    {
        var resources = spec.Resources.ToDictionary(r => r.Name, StringComparer.Ordinal);
        foreach (var resource in spec.Resources)
        {
            foreach (var notification in resource.Notifications)
            {
                var target = notification.IsSubscription ? resource : resources.GetValueOrDefault(notification.Resource.Name);
                if (target is null)
                {
                    continue;
                }

                var family = target.Provider is { } instance && provided.TryGetValue(instance.Name, out var configured) ? configured.Family : target.Family;
                if (!registry.Factories.TryGetValue(family, out var factory))
                {
                    continue;
                }

                var action = family + "." + notification.Verb;
                if (!factory.Schema.Actions.Any(a => a.Name == action))
                {
                    var verbs = factory.Schema.Actions.Select(a => a.Name[(family.Length + 1)..]).ToList();
                    diagnostics.Error(
                        DiagnosticCodes.InvalidNotification,
                        $"resource \"{target.Name}\" ({target.Type}) cannot be notified to {notification.Verb}: the {family} provider has no action {action}",
                        notification.VerbSpan,
                        Suggestions.DidYouMean(notification.Verb, verbs) ?? (verbs.Count == 0 ? $"the {family} provider has no actions" : "its verbs: " + string.Join(", ", verbs)));
                }
            }
        }
    }

    /// <summary>Checks the literal keys and values of a map of inputs against a schema's input attributes.</summary>
    private static void CheckInputs(
        MapExpression? map, IReadOnlyList<AttributeSchema> attributes, string schemaName, string owner, string noun, SourceSpan ownerSpan, DiagnosticBag diagnostics, bool requireAll, IEnumerable<string>? setByEngine = null)
    {
        var given = new HashSet<string>(setByEngine ?? [], StringComparer.Ordinal);
        if (map is not null)
        {
            foreach (var entry in map.Entries)
            {
                if (entry.Key is not LiteralExpression { Value.Kind: ValueKind.String } key)
                {
                    continue;
                }

                var name = key.Value.AsString();
                given.Add(name);
                var attribute = attributes.FirstOrDefault(a => a.Name == name);
                if (attribute is null || !attribute.IsInput)
                {
                    diagnostics.Error(
                        DiagnosticCodes.UnknownAttribute,
                        attribute is null
                            ? $"{schemaName} has no {noun} \"{name}\""
                            : $"\"{name}\" of {schemaName} is set by the provider, not by the stack",
                        key.Span,
                        Suggestions.DidYouMean(name, attributes.Where(a => a.IsInput).Select(a => a.Name)));
                    continue;
                }

                if (entry.Value is LiteralExpression { Value.Kind: not ValueKind.Null } literal
                    && !attribute.Type.TryConvert(literal.Value, out _, out var error))
                {
                    diagnostics.Error(DiagnosticCodes.AttributeType, $"\"{name}\" of {schemaName} must be {attribute.Type}: {error}", literal.Span);
                }
            }
        }

        if (!requireAll)
        {
            return;
        }

        foreach (var attribute in attributes)
        {
            if (attribute.Required && !given.Contains(attribute.Name))
            {
                diagnostics.Error(
                    DiagnosticCodes.MissingAttribute,
                    $"{owner} must set \"{attribute.Name}\"",
                    ownerSpan,
                    attribute.Description);
            }
        }
    }
}
