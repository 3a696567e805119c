using System.Collections.Immutable;
using Baton.Diagnostics;
using Baton.Expressions;
using Baton.Spec.Declarations;
using Baton.Text;
using Baton.Values;

namespace Baton.Binding;

/// <summary>Evaluates <c>count</c> and <c>for_each</c>, which may use only variables, literals and functions, since instances must be known before a plan.</summary>
internal static class ResourceExpander
{
    public static ResourceExpansion Expand(ResourceSpec resource, IEvaluationScope variables, Inventory inventory, BindOptions options, DiagnosticBag diagnostics)
    {
        if (!resource.Hosts.IsEmpty)
        {
            return ExpandOverHosts(resource, inventory, diagnostics);
        }

        if (resource.Count is not null && resource.ForEach is not null)
        {
            diagnostics.Error(
                DiagnosticCodes.CountAndForEach,
                $"resource \"{resource.Name}\" has both count and for_each",
                resource.ForEach.Span,
                "use count for n identical instances or for_each for one instance per key, not both");
            return new ResourceExpansion { Mode = ExpansionMode.Count };
        }

        if (resource.Count is { } countExpression)
        {
            if (countExpression is LiteralExpression { Value: var literal } && (literal.Kind != ValueKind.Number || literal.AsNumber() != Math.Floor(literal.AsNumber())))
            {
                // Written as a literal that is not a whole number: the shape check has said so already.
                return new ResourceExpansion { Mode = ExpansionMode.Count };
            }

            var value = EvaluateStatic(countExpression, variables, diagnostics);
            if (value is null || !value.IsKnown)
            {
                if (value is { IsKnown: false })
                {
                    UnknownExpansion(countExpression, "count", resource, diagnostics);
                }

                return new ResourceExpansion { Mode = ExpansionMode.Count };
            }

            if (!BatonType.Int.TryConvert(value, out var converted, out _) || converted.Kind != ValueKind.Number
                || converted.AsNumber() < 0 || converted.AsNumber() > options.MaxInstancesPerResource)
            {
                diagnostics.Error(
                    DiagnosticCodes.BadExpansion,
                    $"count of resource \"{resource.Name}\" must be a whole number from 0 to {options.MaxInstancesPerResource:N0}, not {value}",
                    countExpression.Span);
                return new ResourceExpansion { Mode = ExpansionMode.Count };
            }

            return new ResourceExpansion { Mode = ExpansionMode.Count, Count = (int)converted.AsNumber() };
        }

        if (resource.ForEach is { } forEachExpression)
        {
            var value = EvaluateStatic(forEachExpression, variables, diagnostics);
            if (value is null || !value.IsWhollyKnown)
            {
                if (value is not null)
                {
                    UnknownExpansion(forEachExpression, "for_each", resource, diagnostics);
                }

                return new ResourceExpansion { Mode = ExpansionMode.ForEach };
            }

            // Keys become addresses (e["key"]), shown everywhere and stored in plain text: a sensitive value can't be
            // one. Sensitive values under plain keys are fine; each.value stays sensitive.
            if (value.IsSensitive || (value.Kind == ValueKind.List && value.AsList().Any(item => item.ContainsSensitive)))
            {
                diagnostics.Error(
                    DiagnosticCodes.BadExpansion,
                    $"for_each of resource \"{resource.Name}\" is sensitive; its keys would show in addresses and state in plain text",
                    forEachExpression.Span,
                    "key the instances by something that is not secret, such as a map from plain names to the sensitive values");
                return new ResourceExpansion { Mode = ExpansionMode.ForEach };
            }

            var entries = ImmutableArray.CreateBuilder<KeyValuePair<string, Value>>();
            switch (value.Kind)
            {
                case ValueKind.Map:
                    entries.AddRange(value.AsMap());
                    break;
                case ValueKind.List:
                    var seen = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var item in value.AsList())
                    {
                        if (item.Kind != ValueKind.String)
                        {
                            diagnostics.Error(
                                DiagnosticCodes.BadExpansion,
                                $"for_each of resource \"{resource.Name}\" must be a map or a list of strings; it holds {item}",
                                forEachExpression.Span);
                            return new ResourceExpansion { Mode = ExpansionMode.ForEach };
                        }

                        if (!seen.Add(item.AsString()))
                        {
                            diagnostics.Error(
                                DiagnosticCodes.BadExpansion,
                                $"for_each of resource \"{resource.Name}\" holds \"{item.AsString()}\" twice; keys must be unique",
                                forEachExpression.Span);
                            return new ResourceExpansion { Mode = ExpansionMode.ForEach };
                        }

                        entries.Add(new(item.AsString(), item));
                    }

                    break;
                default:
                    diagnostics.Error(
                        DiagnosticCodes.BadExpansion,
                        $"for_each of resource \"{resource.Name}\" must be a map or a list of strings, not {value}",
                        forEachExpression.Span);
                    return new ResourceExpansion { Mode = ExpansionMode.ForEach };
            }

            if (entries.Count > options.MaxInstancesPerResource)
            {
                diagnostics.Error(DiagnosticCodes.BadExpansion, $"for_each of resource \"{resource.Name}\" has more than {options.MaxInstancesPerResource:N0} keys", forEachExpression.Span);
                return new ResourceExpansion { Mode = ExpansionMode.ForEach };
            }

            return new ResourceExpansion { Mode = ExpansionMode.ForEach, Each = entries.ToImmutable() };
        }

        return ResourceExpansion.Single;
    }

    /// <summary><c>hosts:</c> — one instance per host of the named groups and hosts, keyed by the host's name, with <c>host</c> as its value.</summary>
    private static ResourceExpansion ExpandOverHosts(ResourceSpec resource, Inventory inventory, DiagnosticBag diagnostics)
    {
        if (resource.Count is not null || resource.ForEach is not null)
        {
            diagnostics.Error(
                DiagnosticCodes.CountAndForEach,
                $"resource \"{resource.Name}\" has both hosts and {(resource.Count is not null ? "count" : "for_each")}",
                (resource.Count ?? resource.ForEach)!.Span,
                "hosts makes one instance per host; for several per host, write one resource per kind of instance");
            return new ResourceExpansion { Mode = ExpansionMode.ForEach };
        }

        foreach (var name in resource.Hosts)
        {
            if (inventory.Select([name.Name], out _) is null)
            {
                var known = inventory.Groups.Keys.Order(StringComparer.Ordinal).Concat(inventory.Hosts.Select(h => h.Name)).Append(Inventory.AllGroup);
                diagnostics.Error(
                    DiagnosticCodes.UnknownHost,
                    $"resource \"{resource.Name}\" runs on hosts \"{name.Name}\", which is no host group and no host of hosts:",
                    name.Span,
                    Suggestions.DidYouMean(name.Name, known) ?? (inventory.Hosts.IsEmpty ? "declare the hosts under hosts:, as web: { addresses: [\"10.0.0.5\"] }" : null));
                return new ResourceExpansion { Mode = ExpansionMode.ForEach };
            }
        }

        var hosts = inventory.Select(resource.Hosts.Select(h => h.Name), out _)!.Value;
        return new ResourceExpansion
        {
            Mode = ExpansionMode.ForEach,
            Each = [.. hosts.Select(h => KeyValuePair.Create(h.Name, h.ToScopeValue()))],
        };
    }

    private static Value? EvaluateStatic(Expression expression, IEvaluationScope variables, DiagnosticBag diagnostics)
    {
        // References that are not to declared variables are reported by the reference check; nothing to evaluate.
        variables.TryGetRoot("var", out var declared);
        foreach (var reference in References.Of(expression))
        {
            if (reference.Root != "var"
                || reference.Steps.FirstOrDefault() is not AttributeTraversal attribute
                || declared.Kind != ValueKind.Map
                || !declared.AsMap().ContainsKey(attribute.Name))
            {
                return null;
            }
        }

        var errors = diagnostics.ErrorCount;
        var value = Evaluator.Evaluate(expression, variables, diagnostics);
        return diagnostics.ErrorCount > errors ? null : value;
    }

    private static void UnknownExpansion(Expression expression, string what, ResourceSpec resource, DiagnosticBag diagnostics)
    {
        var variables = string.Join(", ", References.Of(expression).Select(r => "var" + string.Concat(r.Steps.Take(1))).Distinct());
        diagnostics.Error(
            DiagnosticCodes.BadExpansion,
            $"{what} of resource \"{resource.Name}\" is not known: it depends on {(variables.Length > 0 ? variables : "a value")} that has no value yet",
            expression.Span,
            "give the variable a value (--var, --var-file or a default) to see the instances");
    }
}
