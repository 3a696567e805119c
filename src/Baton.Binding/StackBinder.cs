using Baton.Diagnostics;
using Baton.Expressions;
using Baton.Spec.Declarations;
using Baton.Spec;
using Baton.Text;
using Baton.Values;

namespace Baton.Binding;

/// <summary>
/// Binds a <see cref="StackSpec"/> to variable values and checks its meaning: variables, providers, resource types,
/// references with their instance keys, static types, <c>count</c>/<c>for_each</c> expansion, the dependency graph and
/// its cycles, outputs, policies and workflows. Each check reports every problem it finds as a diagnostic.
/// </summary>
public static class StackBinder
{
    /// <summary>Binds and checks <paramref name="spec"/>. The result is usable for display even when there are errors.</summary>
    public static BoundStack Bind(StackSpec spec, IReadOnlyList<VariableInput> inputs, IExpressionHost host, BindOptions options, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(diagnostics);

        var variables = VariableBinder.Bind(spec.Variables, inputs, host, options, diagnostics);
        var scope = new ValueScope(new Dictionary<string, Value>(StringComparer.Ordinal) { ["var"] = Value.Map(variables) }, host);
        var resources = spec.Resources.ToDictionary(r => r.Name, StringComparer.Ordinal);

        CheckProviders(spec, diagnostics);
        var inventory = InventoryBinder.Bind(spec.HostGroups, scope, diagnostics);
        var expansions = new Dictionary<string, ResourceExpansion>(StringComparer.Ordinal);
        foreach (var resource in spec.Resources)
        {
            CheckResourceType(resource, diagnostics);
            expansions[resource.Name] = ResourceExpander.Expand(resource, scope, inventory, options, diagnostics);
        }

        var references = new ReferenceChecker(spec, resources, expansions, diagnostics);
        var noResources = new ReferenceContext
        {
            Where = "a variable",
            AllowResources = false,
            ResourcesForbiddenBecause = "variables are known before any resource exists",
        };
        foreach (var variable in spec.Variables)
        {
            foreach (var rule in variable.Validations)
            {
                references.Check(rule.Condition, noResources with { Where = $"variable \"{variable.Name}\"" });
            }
        }

        foreach (var provider in spec.Providers)
        {
            references.Check(provider.Config, noResources with
            {
                Where = $"provider \"{provider.Name}\"",
                ResourcesForbiddenBecause = "providers are configured before any resource exists",
            });
        }

        foreach (var group in spec.HostGroups)
        {
            var inGroup = noResources with
            {
                Where = $"host group \"{group.Name}\"",
                ResourcesForbiddenBecause = "the hosts are known before a plan, so a host group can use only variables",
            };
            references.Check(group.Addresses, inGroup);
            references.Check(group.Settings, inGroup);
        }

        foreach (var resource in spec.Resources)
        {
            var where = $"resource \"{resource.Name}\"";
            var expansion = noResources with
            {
                Where = $"count or for_each of {where}",
                ResourcesForbiddenBecause = "instances must be known before a plan, so count and for_each can use only variables",
            };
            references.Check(resource.Count, expansion);
            references.Check(resource.ForEach, expansion);
            var context = new ReferenceContext
            {
                Where = where,
                Resource = resource,
                AllowEach = resource.ForEach is not null,
                AllowCount = resource.Count is not null,
                AllowHost = !resource.Hosts.IsEmpty,
            };
            references.Check(resource.Properties, context);
            if (resource.Autoscale is { } autoscale)
            {
                references.Check(autoscale.Min, noResources with { Where = where });
                references.Check(autoscale.Max, noResources with { Where = where });
                references.Check(autoscale.Target, noResources with { Where = where });
                if (autoscale.Source is { } source)
                {
                    references.Check(source, noResources with { Where = where });
                }
            }

            foreach (var dependency in resource.DependsOn)
            {
                if (resources.ContainsKey(dependency.Name))
                {
                    references.Edges.Add(new DependencyEdge(resource.Name, dependency.Name, null, dependency.Span));
                }
                else
                {
                    diagnostics.Error(
                        DiagnosticCodes.UnknownResource,
                        $"resource \"{resource.Name}\" depends on \"{dependency.Name}\", which is not a resource",
                        dependency.Span,
                        Suggestions.DidYouMean(dependency.Name, resources.Keys));
                }
            }
        }

        var notifications = BindNotifications(spec, resources, diagnostics);
        foreach (var output in spec.Outputs)
        {
            references.Check(output.Value, new ReferenceContext { Where = $"output \"{output.Name}\"" });
        }

        foreach (var policy in spec.Policies)
        {
            var context = new ReferenceContext
            {
                Where = $"policy \"{policy.Name}\"",
                AllowPolicyResource = true,
                AllowResources = false,
                ResourcesForbiddenBecause = "a policy sees the resource it checks as resource.*",
            };
            references.Check(policy.When, context);
            references.Check(policy.Require, context);
        }

        WorkflowChecker.Check(spec, references, diagnostics);

        var (graph, acyclic) = GraphBinder.Build(spec.Resources, expansions, references.Edges, diagnostics);
        return new BoundStack { Spec = spec, Variables = variables, Inventory = inventory, Notifications = notifications, Graph = graph, IsAcyclic = acyclic };
    }

    /// <summary>Each resource's <c>notifies:</c> and <c>subscribes:</c>, as source-to-target notifications between resources that exist.</summary>
    private static System.Collections.Immutable.ImmutableArray<BoundNotification> BindNotifications(StackSpec spec, Dictionary<string, ResourceSpec> resources, DiagnosticBag diagnostics)
    {
        var bound = System.Collections.Immutable.ImmutableArray.CreateBuilder<BoundNotification>();
        foreach (var resource in spec.Resources)
        {
            foreach (var notification in resource.Notifications)
            {
                var other = notification.Resource;
                if (!resources.ContainsKey(other.Name))
                {
                    diagnostics.Error(
                        DiagnosticCodes.UnknownResource,
                        $"resource \"{resource.Name}\" {(notification.IsSubscription ? "subscribes to" : "notifies")} \"{other.Name}\", which is not a resource",
                        other.Span,
                        Suggestions.DidYouMean(other.Name, resources.Keys));
                    continue;
                }

                if (other.Name == resource.Name)
                {
                    diagnostics.Error(DiagnosticCodes.InvalidNotification, $"resource \"{resource.Name}\" cannot notify itself", other.Span);
                    continue;
                }

                if (!Addresses.ResourceAddress.IsValidName(notification.Verb))
                {
                    diagnostics.Error(DiagnosticCodes.InvalidNotification, $"\"{notification.Verb}\" is not a verb: write a name such as restart or reload", notification.VerbSpan);
                    continue;
                }

                bound.Add(new BoundNotification
                {
                    Source = notification.IsSubscription ? other.Name : resource.Name,
                    Target = notification.IsSubscription ? resource.Name : other.Name,
                    Verb = notification.Verb,
                    Immediate = notification.Immediate,
                    Span = notification.Span,
                });
            }
        }

        return bound.ToImmutable();
    }

    private static void CheckProviders(StackSpec spec, DiagnosticBag diagnostics)
    {
        var configured = spec.Providers.ToDictionary(p => p.Name, StringComparer.Ordinal);
        foreach (var provider in spec.Providers)
        {
            var dot = provider.Name.IndexOf('.', StringComparison.Ordinal);
            if (dot > 0 && provider.Name[..dot] != provider.Family && configured.ContainsKey(provider.Name[..dot]))
            {
                diagnostics.Warning(
                    DiagnosticCodes.UnknownProvider,
                    $"provider instance \"{provider.Name}\" is of family \"{provider.Family}\", not \"{provider.Name[..dot]}\"",
                    provider.NameSpan);
            }
        }

        foreach (var resource in spec.Resources)
        {
            if (resource.Provider is not { } wanted)
            {
                continue;
            }

            if (!configured.TryGetValue(wanted.Name, out var instance))
            {
                if (wanted.Name == resource.Family)
                {
                    continue;
                }

                diagnostics.Error(
                    DiagnosticCodes.UnknownProvider,
                    $"resource \"{resource.Name}\" uses provider \"{wanted.Name}\", which is not configured",
                    wanted.Span,
                    Suggestions.DidYouMean(wanted.Name, configured.Keys) ?? $"configure it under providers: as {wanted.Name}: {{ type: {resource.Family}, … }}");
            }
            else if (instance.Family != resource.Family)
            {
                diagnostics.Error(
                    DiagnosticCodes.UnknownProvider,
                    $"resource \"{resource.Name}\" of type {resource.Type} cannot use provider \"{wanted.Name}\", which is a {instance.Family} provider",
                    wanted.Span);
            }
        }
    }

    private static void CheckResourceType(ResourceSpec resource, DiagnosticBag diagnostics)
    {
        var dot = resource.Type.IndexOf('.', StringComparison.Ordinal);
        if (resource.Type.Length == 0)
        {
            return;
        }

        if (dot <= 0 || dot == resource.Type.Length - 1
            || !Addresses.ResourceAddress.IsValidName(resource.Type[..dot])
            || !Addresses.ResourceAddress.IsValidName(resource.Type[(dot + 1)..]))
        {
            diagnostics.Error(
                DiagnosticCodes.InvalidResourceType,
                $"\"{resource.Type}\" is not a resource type: a type is provider.kind, such as postgres.database",
                resource.TypeSpan);
        }
    }
}
