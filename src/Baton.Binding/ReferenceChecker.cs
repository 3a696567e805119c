using Baton.Addresses;
using Baton.Diagnostics;
using Baton.Expressions;
using Baton.Spec.Declarations;
using Baton.Text;
using Baton.Values;

namespace Baton.Binding;

/// <summary>
/// Checks every reference of an expression against what its place may see — variables, resources and their instance
/// keys, <c>each</c>, <c>count</c>, workflow inputs and steps — with a suggestion for each unknown name, records the
/// dependency edges that resource references make, and runs the static type check.
/// </summary>
internal sealed class ReferenceChecker
{
    private static readonly string[] StepAttributes = ["outputs", "status", "error"];
    private static readonly string[] RunAttributes = ["id", "workflow", "stack", "started_at", "trigger", "attempt"];
    private static readonly string[] StackAttributes = ["name", "directory"];
    private static readonly string[] HostAttributes = ["name", "address", "port", "user", "group", "groups", "vars", "facts"];
    private static readonly string[] PolicyResourceAttributes = ["address", "name", "type", "provider", "properties", "index", "key"];

    private readonly IReadOnlyDictionary<string, ResourceSpec> _resources;
    private readonly IReadOnlyDictionary<string, ResourceExpansion> _expansions;
    private readonly IReadOnlyDictionary<string, VariableSpec> _variables;
    private readonly DiagnosticBag _diagnostics;

    public ReferenceChecker(
        StackSpec spec,
        IReadOnlyDictionary<string, ResourceSpec> resources,
        IReadOnlyDictionary<string, ResourceExpansion> expansions,
        DiagnosticBag diagnostics)
    {
        _resources = resources;
        _expansions = expansions;
        _variables = spec.Variables.ToDictionary(v => v.Name, StringComparer.Ordinal);
        _diagnostics = diagnostics;
    }

    /// <summary>Dependency edges found in resource expressions so far.</summary>
    public List<DependencyEdge> Edges { get; } = [];

    /// <summary>Checks the references and static types of <paramref name="expression"/>.</summary>
    public void Check(Expression? expression, ReferenceContext context)
    {
        if (expression is null)
        {
            return;
        }

        foreach (var reference in References.Of(expression))
        {
            CheckReference(reference, context);
        }

        TypeChecker.Infer(expression, reference => TypeOf(reference, context), _diagnostics);
    }

    private BatonType TypeOf(Reference reference, ReferenceContext context)
    {
        var first = reference.Steps.Length > 0 ? reference.Steps[0] as AttributeTraversal : null;
        switch (reference.Root)
        {
            case "var" when first is not null && _variables.TryGetValue(first.Name, out var variable) && reference.Steps.Length == 1:
                return variable.Type;
            case "inputs" when first is not null && reference.Steps.Length == 1
                && context.Workflow?.Inputs.FirstOrDefault(i => i.Name == first.Name) is { } input:
                return input.Type;
            case "count" when first?.Name == "index":
                return BatonType.Int;
            case "each" when first?.Name == "key" && reference.Steps.Length == 1:
                return BatonType.String;
            default:
                return BatonType.Any;
        }
    }

    private void CheckReference(Reference reference, ReferenceContext context)
    {
        var first = reference.Steps.Length > 0 ? reference.Steps[0] : null;
        switch (reference.Root)
        {
            case "var":
                CheckVariable(reference, first);
                return;
            case "each":
                if (!context.AllowEach)
                {
                    NotAvailable(reference, $"each is only available in a resource or step with for_each, not in {context.Where}");
                    return;
                }

                CheckAttribute(reference, first, ["key", "value"], "each");
                return;
            case "host" when context.AllowHost:
                CheckAttribute(reference, first, HostAttributes, "host");
                return;
            case "count":
                if (!context.AllowCount)
                {
                    NotAvailable(reference, $"count.index is only available in a resource with count, not in {context.Where}");
                    return;
                }

                CheckAttribute(reference, first, ["index"], "count");
                return;
            case "stack":
                CheckAttribute(reference, first, StackAttributes, "stack");
                return;
            case "resource" when context.AllowPolicyResource:
                CheckAttribute(reference, first, PolicyResourceAttributes, "resource");
                return;
            case "inputs" or "steps" or "run" when context.Workflow is null:
                NotAvailable(reference, $"{reference.Root}.* is only available in workflows, not in {context.Where}");
                return;
            case "inputs":
                CheckInput(reference, first, context.Workflow!);
                return;
            case "steps":
                CheckStep(reference, first, context);
                return;
            case "run":
                CheckAttribute(reference, first, RunAttributes, "run");
                return;
            default:
                CheckResource(reference, first, context);
                return;
        }
    }

    private void CheckVariable(Reference reference, Traversal? first) =>
        CheckDeclared(reference, first, DiagnosticCodes.UnknownVariable, "var must be followed by a variable name, as in var.replicas", _variables.ContainsKey, _variables.Keys, name => $"unknown variable \"{name}\"", "declare it under variables:");

    private void CheckInput(Reference reference, Traversal? first, WorkflowSpec workflow) =>
        CheckDeclared(
            reference,
            first,
            DiagnosticCodes.UnknownInput,
            "inputs must be followed by an input name, as in inputs.keep",
            name => workflow.Inputs.Any(i => i.Name == name),
            workflow.Inputs.Select(i => i.Name),
            name => $"workflow \"{workflow.Name}\" has no input \"{name}\"",
            $"declare it under workflows.{workflow.Name}.inputs");

    /// <summary>A root such as <c>var</c> or <c>inputs</c> followed by the name of something declared.</summary>
    private void CheckDeclared(Reference reference, Traversal? first, string code, string shapeMessage, Func<string, bool> isDeclared, IEnumerable<string> declared, Func<string, string> unknownMessage, string declareHint)
    {
        if (first is not AttributeTraversal attribute)
        {
            _diagnostics.Error(code, shapeMessage, reference.Span);
            return;
        }

        if (!isDeclared(attribute.Name))
        {
            _diagnostics.Error(code, unknownMessage(attribute.Name), reference.Span, Suggestions.DidYouMean(attribute.Name, declared) ?? declareHint);
        }
    }

    private void CheckStep(Reference reference, Traversal? first, ReferenceContext context)
    {
        var workflow = context.Workflow!;
        var ids = workflow.Steps.Concat(workflow.OnExit).Select(s => s.Id).ToList();
        if (first is not AttributeTraversal attribute)
        {
            _diagnostics.Error(DiagnosticCodes.UnknownStep, "steps must be followed by a step id, as in steps.dump.outputs.file", reference.Span);
            return;
        }

        if (!ids.Contains(attribute.Name))
        {
            _diagnostics.Error(
                DiagnosticCodes.UnknownStep,
                $"workflow \"{workflow.Name}\" has no step \"{attribute.Name}\"",
                reference.Span,
                Suggestions.DidYouMean(attribute.Name, ids));
            return;
        }

        if (context.VisibleSteps is { } visible && !visible.Contains(attribute.Name))
        {
            var self = context.Step?.Id == attribute.Name;
            _diagnostics.Error(
                DiagnosticCodes.StepNotNeeded,
                self
                    ? $"step \"{attribute.Name}\" cannot read its own outputs"
                    : context.Step is null
                        ? $"{context.Where} cannot read the outputs of step \"{attribute.Name}\": no step has run yet"
                        : $"step \"{context.Step.Id}\" reads the outputs of step \"{attribute.Name}\", which is not in its needs",
                reference.Span,
                self || context.Step is null ? null : $"add \"{attribute.Name}\" to needs: of step \"{context.Step.Id}\", so it runs first");
            return;
        }

        if (reference.Steps.Length > 1 && reference.Steps[1] is AttributeTraversal member && !StepAttributes.Contains(member.Name))
        {
            _diagnostics.Error(
                DiagnosticCodes.UnknownStep,
                $"a step has no attribute \"{member.Name}\"; it has {string.Join(", ", StepAttributes)}",
                reference.Span,
                Suggestions.DidYouMean(member.Name, StepAttributes));
        }
    }

    private void CheckAttribute(Reference reference, Traversal? first, IReadOnlyList<string> allowed, string root)
    {
        if (first is AttributeTraversal attribute && allowed.Contains(attribute.Name))
        {
            return;
        }

        var name = (first as AttributeTraversal)?.Name;
        _diagnostics.Error(
            DiagnosticCodes.ReferenceNotAvailable,
            name is null
                ? $"{root} must be followed by one of: {string.Join(", ", allowed)}"
                : $"{root} has no attribute \"{name}\"; it has {string.Join(", ", allowed)}",
            reference.Span,
            name is null ? null : Suggestions.DidYouMean(name, allowed));
    }

    private void NotAvailable(Reference reference, string message) =>
        _diagnostics.Error(DiagnosticCodes.ReferenceNotAvailable, message, reference.Span);

    private void CheckResource(Reference reference, Traversal? first, ReferenceContext context)
    {
        if (!_resources.TryGetValue(reference.Root, out var target))
        {
            var candidates = _resources.Keys.Concat(["var", "stack"]);
            if (context.Workflow is not null)
            {
                candidates = candidates.Concat(["steps", "inputs", "run"]);
            }

            if (context.AllowEach)
            {
                candidates = candidates.Append("each");
            }

            if (context.AllowCount)
            {
                candidates = candidates.Append("count");
            }

            if (context.AllowHost)
            {
                candidates = candidates.Append("host");
            }

            if (context.AllowPolicyResource)
            {
                candidates = candidates.Append("resource");
            }

            _diagnostics.Error(
                DiagnosticCodes.UnknownResource,
                $"unknown resource \"{reference.Root}\"",
                reference.RootSpan,
                Suggestions.DidYouMean(reference.Root, candidates));
            return;
        }

        if (!context.AllowResources)
        {
            _diagnostics.Error(
                DiagnosticCodes.ReferenceNotAvailable,
                $"{context.Where} cannot reference resource \"{target.Name}\"{(context.ResourcesForbiddenBecause is { } why ? ": " + why : string.Empty)}",
                reference.Span);
            return;
        }

        var key = CheckInstanceKey(reference, first, target);
        if (context.Resource is { } from)
        {
            Edges.Add(new DependencyEdge(from.Name, target.Name, key, reference.Span));
        }
    }

    /// <summary>Checks how an instance is selected; returns the key when exactly one known instance is referenced.</summary>
    private InstanceKey? CheckInstanceKey(Reference reference, Traversal? first, ResourceSpec target)
    {
        var expansion = _expansions.TryGetValue(target.Name, out var found) ? found : ResourceExpansion.Single;
        switch (expansion.Mode)
        {
            case ExpansionMode.Single:
                if (first is IndexTraversal or DynamicIndexTraversal or SplatTraversal)
                {
                    _diagnostics.Error(
                        DiagnosticCodes.BadInstanceKey,
                        $"resource \"{target.Name}\" has neither count nor for_each, so it cannot be indexed",
                        reference.Span,
                        $"refer to it as {target.Name}.ATTRIBUTE");
                }

                return null;
            case ExpansionMode.Count:
                switch (first)
                {
                    case IndexTraversal { Key.Kind: ValueKind.Number } index:
                        var number = index.Key.AsNumber();
                        if (number < 0 || number != Math.Floor(number) || (expansion.Count is { } count && number >= count))
                        {
                            _diagnostics.Error(
                                DiagnosticCodes.BadInstanceKey,
                                $"resource \"{target.Name}\" has no instance [{Value.FormatNumber(number)}]"
                                    + (expansion.Count is { } n ? $"; its count is {n}" : string.Empty),
                                reference.Span);
                            return null;
                        }

                        return InstanceKey.Of((int)number);
                    case IndexTraversal:
                        _diagnostics.Error(
                            DiagnosticCodes.BadInstanceKey,
                            $"resource \"{target.Name}\" uses count, so its instances are indexed by number",
                            reference.Span);
                        return null;
                    case AttributeTraversal attribute:
                        _diagnostics.Error(
                            DiagnosticCodes.BadInstanceKey,
                            $"resource \"{target.Name}\" uses count, so \"{target.Name}.{attribute.Name}\" is ambiguous",
                            reference.Span,
                            $"name one instance, {target.Name}[0].{attribute.Name}, or all of them, {target.Name}[*].{attribute.Name}");
                        return null;
                    default:
                        return null;
                }

            case ExpansionMode.ForEach:
                switch (first)
                {
                    case IndexTraversal { Key.Kind: ValueKind.String } index:
                        var key = index.Key.AsString();
                        if (expansion.Each is { } each && !each.Any(e => e.Key == key))
                        {
                            _diagnostics.Error(
                                DiagnosticCodes.BadInstanceKey,
                                $"resource \"{target.Name}\" has no instance [\"{key}\"]",
                                reference.Span,
                                Suggestions.DidYouMean(key, each.Select(e => e.Key)));
                            return null;
                        }

                        return InstanceKey.Of(key);
                    case IndexTraversal:
                        _diagnostics.Error(
                            DiagnosticCodes.BadInstanceKey,
                            $"resource \"{target.Name}\" uses for_each, so its instances are indexed by key, as in {target.Name}[\"key\"]",
                            reference.Span);
                        return null;
                    case AttributeTraversal attribute:
                        _diagnostics.Error(
                            DiagnosticCodes.BadInstanceKey,
                            $"resource \"{target.Name}\" uses for_each, so \"{target.Name}.{attribute.Name}\" is ambiguous",
                            reference.Span,
                            $"name one instance, {target.Name}[\"key\"].{attribute.Name}, or all of them, {target.Name}[*].{attribute.Name}");
                        return null;
                    default:
                        return null;
                }

            default:
                return null;
        }
    }
}
