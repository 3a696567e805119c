using System.Collections.Immutable;
using Baton.Diagnostics;
using Baton.Engine.Providers;
using Baton.Expressions;
using Baton.Binding;
using Baton.Plans;
using Baton.Providers;
using Baton.Spec.Declarations;
using Baton.State;
using Baton.Values;

namespace Baton.Engine.Planning;

/// <summary>
/// Works out what an apply must do: walks the instance graph in dependency order, evaluates each instance's
/// properties against what its dependencies will be (unknown where only the apply can tell), asks the provider to
/// plan, and diffs against state. Objects in state that the stack no longer has are deleted. Policies and
/// prevent_destroy are checked against the result.
/// </summary>
public sealed class Planner
{
    private readonly BoundStack _stack;
    private readonly ProviderHost _providers;
    private readonly IExpressionHost _host;
    private PlanOptions _options = new();

    /// <summary>Creates a planner for a bound stack.</summary>
    public Planner(BoundStack stack, ProviderHost providers, IExpressionHost host)
    {
        _stack = stack;
        _providers = providers;
        _host = host;
    }

    /// <summary>The root value <c>stack</c> of expressions.</summary>
    internal static Value StackValue(BoundStack stack, string directory) =>
        Value.Map([KeyValuePair.Create("name", Value.String(stack.Spec.Name)), KeyValuePair.Create("directory", Value.String(directory))]);

    /// <summary>Plans against <paramref name="state"/> (refreshed already, if it should be).</summary>
    public async Task<Plan> PlanAsync(StackState state, PlanOptions options, string stackDirectory, DiagnosticBag diagnostics, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(diagnostics);
        _options = options;
        var graph = _stack.Graph;
        var changes = ImmutableArray.CreateBuilder<ResourceChange>();
        var values = new InstanceValues(graph.Nodes) { Facts = state.Facts };
        var variables = Value.Map(_stack.Variables);
        var stackValue = StackValue(_stack, stackDirectory);
        var planned = new HashSet<string>(StringComparer.Ordinal);
        var included = options.Destroy ? null : Included(options.Targets);

        if (!options.Destroy)
        {
            foreach (var node in graph.TopologicalOrder().Order)
            {
                var instance = graph[node];
                var address = instance.Address.ToString();
                planned.Add(address);
                state.Resources.TryGetValue(address, out var prior);
                if (included is not null && !included.Contains(address))
                {
                    if (prior is not null)
                    {
                        values.Set(address, prior.Attributes);
                    }

                    continue;
                }

                var dependencies = ImmutableArray.CreateRange(graph.Dependencies(node).ToArray().Select(d => graph[d].Address.ToString()));
                var change = await PlanInstanceAsync(instance, prior, dependencies, new InstanceScope(variables, stackValue, instance, values, _host), diagnostics, cancellationToken);
                if (change is null)
                {
                    continue;
                }

                values.Set(address, change.Action == ChangeAction.NoOp ? prior!.Attributes : change.After ?? Value.UnknownAny);
                changes.Add(change);
            }
        }

        var specs = _stack.Spec.Resources.ToDictionary(r => r.Name, StringComparer.Ordinal);
        foreach (var resource in state.Resources.Values)
        {
            var current = resource.DeposedKey is null && planned.Contains(resource.Address);
            if (current || (options.Targets.Count > 0 && !options.Targets.Contains(resource.Address)))
            {
                continue;
            }

            var spec = specs.GetValueOrDefault(NameOf(resource.Address));
            if (spec?.Lifecycle.PreventDestroy == true && resource.DeposedKey is null)
            {
                diagnostics.Add(new Diagnostic
                {
                    Severity = DiagnosticSeverity.Error,
                    Code = DiagnosticCodes.PreventDestroy,
                    Message = $"{resource.Address} has prevent_destroy, but this plan would delete it",
                    Span = spec.NameSpan,
                    Subject = resource.Address,
                    Help = "remove prevent_destroy from its lifecycle first if it really should go",
                });
            }

            changes.Add(new ResourceChange
            {
                Address = resource.Address,
                Type = resource.Type,
                Provider = resource.Provider,
                Action = ChangeAction.Delete,
                Reason = resource.DeposedKey is not null ? "a replaced object left behind" : options.Destroy ? null : "no longer in the stack",
                PriorInputs = resource.Inputs,
                Before = resource.Attributes,
                Id = resource.Id,
                DeposedKey = resource.DeposedKey,
                Dependencies = resource.Dependencies,
            });
        }

        var outputs = options.Destroy ? Value.EmptyMap : EvaluateOutputs(variables, stackValue, values, diagnostics);
        var plan = new Plan
        {
            Stack = _stack.Spec.Name,
            Serial = state.Serial,
            IsDestroy = options.Destroy,
            Changes = changes.ToImmutable(),
            Outputs = outputs,
            Notifications = NotificationPlanner.Plan(_stack, changes, state, options.Destroy),
        };
        PolicyChecker.Check(_stack, plan, variables, _host, diagnostics);
        return plan;
    }

    /// <summary>
    /// An autoscaled resource keeps the replica count the autoscaler last set (its prior <c>replicas</c>), within the
    /// current min and max, so an apply of the stack file does not undo scaling; a new resource starts from the file's
    /// count within the same bounds.
    /// </summary>
    private static Value AutoscaledReplicas(Value inputs, ResourceState? prior, AutoscaleSpec autoscale, InstanceScope scope, DiagnosticBag diagnostics)
    {
        var min = Evaluator.Evaluate(autoscale.Min, scope, diagnostics);
        var max = Evaluator.Evaluate(autoscale.Max, scope, diagnostics);
        if (min.Kind != ValueKind.Number || max.Kind != ValueKind.Number)
        {
            return inputs;
        }

        var map = inputs.AsMap();
        var count = prior?.Inputs is { Kind: ValueKind.Map } priorInputs && priorInputs.AsMap().TryGetValue("replicas", out var scaled) && scaled.Kind == ValueKind.Number
            ? scaled.AsNumber()
            : map.TryGetValue("replicas", out var given) && given.Kind == ValueKind.Number ? given.AsNumber() : min.AsNumber();
        return Value.Map(map.SetItem("replicas", Value.Number(Math.Clamp(count, min.AsNumber(), Math.Max(min.AsNumber(), max.AsNumber())))));
    }

    private async Task<ResourceChange?> PlanInstanceAsync(
        ResourceInstance instance,
        ResourceState? prior,
        ImmutableArray<string> dependencies,
        InstanceScope scope,
        DiagnosticBag diagnostics,
        CancellationToken cancellationToken)
    {
        var resource = instance.Resource;
        var address = instance.Address.ToString();
        var errors = diagnostics.ErrorCount;
        var inputs = InstanceInputs.Evaluate(instance, scope, diagnostics);
        if (diagnostics.ErrorCount > errors)
        {
            return null;
        }

        if (prior is not null && prior.Inputs.Kind == ValueKind.Map && !resource.Lifecycle.IgnoreChanges.IsEmpty)
        {
            inputs = IgnoreChanges(inputs, prior.Inputs, resource.Lifecycle.IgnoreChanges);
        }

        if (resource.Autoscale is { } autoscale && inputs.Kind == ValueKind.Map)
        {
            inputs = AutoscaledReplicas(inputs, prior, autoscale, scope, diagnostics);
        }

        if (_options.InputOverrides.TryGetValue(address, out var overrides) && inputs.Kind == ValueKind.Map)
        {
            inputs = Value.Map(inputs.AsMap().SetItems(overrides));
        }

        var providerName = ProviderHost.InstanceFor(resource);
        IProvider provider;
        try
        {
            provider = await _providers.GetAsync(providerName, cancellationToken);
        }
        catch (ProviderUnavailableException ex)
        {
            diagnostics.Add(Failed(address, ex.Message, resource));
            return null;
        }

        var validation = await provider.ValidateAsync(new ValidateRequest(resource.Type, address, inputs), cancellationToken);
        // A provider's message may quote an input (a path outside its roots, a bad port); sensitive ones never show.
        diagnostics.AddRange(validation.Diagnostics.Select(d => SensitiveText.Scrub(d.Span is null && d.Subject is null ? d with { Subject = address } : d, inputs)));
        if (validation.Diagnostics.Any(d => d.IsError))
        {
            return null;
        }

        // A tainted object will be replaced whatever the provider says, so its successor is planned as a new object:
        // what the provider computes (an id) is unknown until it exists, and dependents are planned against that.
        var live = prior is { Status: not ResourceStatus.Tainted } ? prior : null;
        var result = await provider.PlanAsync(
            new PlanRequest { Type = resource.Type, Address = address, Inputs = inputs, PriorInputs = live?.Inputs, PriorAttributes = live?.Attributes },
            cancellationToken);
        diagnostics.AddRange(result.Diagnostics.Select(d => SensitiveText.Scrub(d, inputs, live?.Inputs ?? Value.Null)));
        if (result.Diagnostics.Any(d => d.IsError))
        {
            return null;
        }

        ChangeAction action;
        string? reason = null;
        var replaceBecause = ImmutableArray<string>.Empty;
        if (prior is null)
        {
            action = ChangeAction.Create;
        }
        else if (prior.Status == ResourceStatus.Tainted)
        {
            action = ChangeAction.Replace;
            reason = "a create or update of it failed part-way (tainted)";
        }
        else if (!result.RequiresReplace.IsEmpty)
        {
            action = ChangeAction.Replace;
            replaceBecause = result.RequiresReplace;
        }
        else if (inputs != prior.Inputs)
        {
            action = ChangeAction.Update;
        }
        else if (!KnownParts.Match(result.PlannedAttributes, prior.Attributes))
        {
            // The inputs are as applied, but refresh found the object changed outside Baton: put it back.
            action = ChangeAction.Update;
            reason = "changed outside Baton";
        }
        else
        {
            action = ChangeAction.NoOp;
        }

        if (action == ChangeAction.Replace && resource.Lifecycle.PreventDestroy)
        {
            diagnostics.Add(new Diagnostic
            {
                Severity = DiagnosticSeverity.Error,
                Code = DiagnosticCodes.PreventDestroy,
                Message = $"{address} has prevent_destroy, but this plan would replace it" + (replaceBecause.IsEmpty ? string.Empty : $" (because {string.Join(", ", replaceBecause)} changed)"),
                Span = resource.NameSpan,
                Subject = address,
            });
        }

        return new ResourceChange
        {
            Address = address,
            Type = resource.Type,
            Provider = providerName,
            Action = action,
            Reason = reason,
            ReplaceBecause = replaceBecause,
            PriorInputs = prior?.Inputs,
            Before = prior?.Attributes,
            Inputs = inputs,
            After = result.PlannedAttributes,
            Id = prior?.Id,
            Dependencies = dependencies,
            CreateBeforeDestroy = resource.Lifecycle.CreateBeforeDestroy,
        };
    }

    private static Diagnostic Failed(string address, string message, ResourceSpec resource) => new()
    {
        Severity = DiagnosticSeverity.Error,
        Code = DiagnosticCodes.ProviderFailed,
        Message = $"cannot plan {address}: {message}",
        Span = resource.TypeSpan,
        Subject = address,
    };

    private static Value IgnoreChanges(Value inputs, Value priorInputs, ImmutableArray<string> ignored)
    {
        if (inputs.Kind != ValueKind.Map)
        {
            return inputs;
        }

        var map = inputs.AsMap().ToBuilder();
        var prior = priorInputs.AsMap();
        foreach (var name in ignored)
        {
            if (prior.TryGetValue(name, out var old))
            {
                map[name] = old;
            }
            else
            {
                map.Remove(name);
            }
        }

        return Value.Map(map);
    }

    private Value EvaluateOutputs(Value variables, Value stackValue, InstanceValues values, DiagnosticBag diagnostics)
    {
        var scope = new InstanceScope(variables, stackValue, null, values, _host);
        var outputs = new List<KeyValuePair<string, Value>>();
        foreach (var output in _stack.Spec.Outputs)
        {
            var value = Evaluator.Evaluate(output.Value, scope, diagnostics);
            outputs.Add(new(output.Name, output.Sensitive ? value.AsSensitive() : value));
        }

        return Value.Map(outputs);
    }

    /// <summary>The targets and everything they depend on; null when there are no targets.</summary>
    private HashSet<string>? Included(IReadOnlySet<string> targets)
    {
        if (targets.Count == 0)
        {
            return null;
        }

        var graph = _stack.Graph;
        var included = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<int>();
        for (var node = 0; node < graph.NodeCount; node++)
        {
            var instance = graph[node];
            if (targets.Contains(instance.Address.ToString()) || targets.Contains(instance.Resource.Name))
            {
                stack.Push(node);
            }
        }

        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (included.Add(graph[node].Address.ToString()))
            {
                foreach (var dependency in graph.Dependencies(node))
                {
                    stack.Push(dependency);
                }
            }
        }

        return included;
    }

    private static string NameOf(string address)
    {
        var bracket = address.IndexOf('[', StringComparison.Ordinal);
        return bracket < 0 ? address : address[..bracket];
    }
}
