using System.Collections.Immutable;
using Baton.Diagnostics;
using Baton.Expressions;
using Baton.Spec.Declarations;
using Baton.Spec;
using Baton.Values;

namespace Baton.Binding;

/// <summary>Gives every declared variable its value (see <see cref="VariableInputs"/> for precedence), converts it to the declared type and checks its validation rules.</summary>
internal static class VariableBinder
{
    public static ImmutableSortedDictionary<string, Value> Bind(
        IReadOnlyList<VariableSpec> declarations,
        IReadOnlyList<VariableInput> inputs,
        IExpressionHost host,
        BindOptions options,
        DiagnosticBag diagnostics,
        string noun = "variable")
    {
        var declared = declarations.ToDictionary(d => d.Name, StringComparer.Ordinal);
        var last = new Dictionary<string, VariableInput>(StringComparer.Ordinal);
        // Precedence by source, then by order given within a source: the caller's list order cannot break it.
        foreach (var input in inputs.OrderBy(i => i.Source))
        {
            if (declared.ContainsKey(input.Name))
            {
                last[input.Name] = input;
                continue;
            }

            var diagnostic = new Diagnostic
            {
                Severity = input.Source == VariableSource.CommandLine ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
                Code = DiagnosticCodes.UndeclaredVariable,
                Message = $"a value is given for \"{input.Name}\", but the stack declares no such {noun}",
                Span = input.Span,
                Subject = input.Span is null ? input.Origin : null,
                Help = Text.Suggestions.DidYouMean(input.Name, declared.Keys),
            };
            diagnostics.Add(diagnostic);
        }

        var values = ImmutableSortedDictionary.CreateBuilder<string, Value>(StringComparer.Ordinal);
        var emptyScope = new ValueScope(new Dictionary<string, Value>(), host);
        foreach (var declaration in declarations)
        {
            var value = Resolve(declaration, last.GetValueOrDefault(declaration.Name), emptyScope, options, diagnostics, noun);
            values[declaration.Name] = declaration.Sensitive ? value.AsSensitive() : value;
        }

        var result = values.ToImmutable();
        CheckValidations(declarations, result, host, diagnostics, noun);
        return result;
    }

    private static Value Resolve(VariableSpec declaration, VariableInput? input, ValueScope emptyScope, BindOptions options, DiagnosticBag diagnostics, string noun)
    {
        Value raw;
        string origin;
        SourceSpan? span;
        if (input is not null)
        {
            raw = input.IsRawText ? VariableInputs.ParseRawText(input.Value.AsString(), declaration.Type) : input.Value;
            origin = input.Origin;
            span = input.Span;
        }
        else if (declaration.Default is { } defaultExpression)
        {
            if (References.Of(defaultExpression).FirstOrDefault() is { } reference)
            {
                diagnostics.Error(
                    DiagnosticCodes.VariableType,
                    $"the default of {noun} \"{declaration.Name}\" must be a literal value; it cannot reference {reference.Root}",
                    reference.Span);
                return Value.Unknown(declaration.Type);
            }

            raw = Evaluator.Evaluate(defaultExpression, emptyScope, diagnostics);
            origin = "its default";
            span = defaultExpression.Span;
        }
        else
        {
            if (options.RequireAllVariables)
            {
                diagnostics.Error(
                    DiagnosticCodes.MissingVariable,
                    $"{noun} \"{declaration.Name}\" has no value",
                    declaration.NameSpan,
                    $"give one with --var {declaration.Name}=VALUE, a --var-file, or {VariableInputs.EnvironmentPrefix}{declaration.Name}; or declare a default");
            }

            return Value.Unknown(declaration.Type);
        }

        // Mark before converting, so that not even a conversion error shows a secret.
        if (declaration.Sensitive)
        {
            raw = raw.AsSensitive();
        }

        if (!declaration.Type.TryConvert(raw, out var converted, out var error))
        {
            diagnostics.Add(new Diagnostic
            {
                Severity = DiagnosticSeverity.Error,
                Code = DiagnosticCodes.VariableType,
                // The type's error names a nested element by its own value, which the outer mark does not cover.
                Message = SensitiveText.Scrub($"the value of {noun} \"{declaration.Name}\" from {origin} is not {Article(declaration.Type)}: {error}", raw),
                Span = span ?? declaration.NameSpan,
                Subject = span is null ? origin : null,
            });
            return Value.Unknown(declaration.Type);
        }

        return converted;
    }

    private static string Article(BatonType type)
    {
        var name = type.ToString();
        return (name[0] is 'a' or 'i' ? "an " : "a ") + name;
    }

    private static void CheckValidations(IReadOnlyList<VariableSpec> declarations, ImmutableSortedDictionary<string, Value> values, IExpressionHost host, DiagnosticBag diagnostics, string noun)
    {
        var root = noun == "variable" ? "var" : "inputs";
        var scope = new ValueScope(new Dictionary<string, Value> { [root] = Value.Map(values) }, host);
        foreach (var declaration in declarations)
        {
            foreach (var rule in declaration.Validations)
            {
                // A rule that names something other than a declared variable is reported by the reference check.
                if (References.Of(rule.Condition).Any(r => r.Root != root
                    || r.Steps.FirstOrDefault() is not AttributeTraversal attribute
                    || !values.ContainsKey(attribute.Name)))
                {
                    continue;
                }

                var result = Evaluator.Evaluate(rule.Condition, scope, diagnostics);
                if (!result.IsKnown)
                {
                    continue;
                }

                if (result.Kind != ValueKind.Bool)
                {
                    diagnostics.Error(DiagnosticCodes.TypeMismatch, $"a validation condition must be true or false, not {result.Kind.ToString().ToLowerInvariant()}", rule.Condition.Span);
                    continue;
                }

                if (!result.AsBool())
                {
                    diagnostics.Add(Diagnostic.Error(
                            DiagnosticCodes.VariableValidation,
                            $"{noun} \"{declaration.Name}\" is not valid: {rule.Message}",
                            declaration.NameSpan)
                        .WithNote("the rule that failed", rule.Condition.Span));
                }
            }
        }
    }
}
