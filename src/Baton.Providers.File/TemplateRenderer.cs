using Baton.Diagnostics;
using Baton.Expressions;
using Baton.Text;
using Baton.Values;

namespace Baton.Providers.File;

/// <summary>Renders a template file: <c>${…}</c> interpolations of the Baton expression language over the vars.</summary>
internal sealed class TemplateRenderer(PathConfinement stack)
{
    private readonly ConfinedFileHost _host = new(stack);

    /// <summary>
    /// The rendered text, an unknown string when a var is unknown, or null with <paramref name="error"/> set
    /// (<c>FILE:LINE:COLUMN: message</c> for errors inside the template).
    /// </summary>
    public Value? Render(string source, Value vars, out string? error)
    {
        error = null;
        if (!_host.TryReadFile(source, out var text, out var readError))
        {
            error = $"cannot read the template \"{source}\": {readError}";
            return null;
        }

        var diagnostics = new DiagnosticBag();
        var expression = ExpressionParser.ParseTemplate(text, TextOrigin.Verbatim(source, new SourcePosition(1, 1), text), diagnostics);
        var roots = vars.Kind == ValueKind.Map ? vars.AsMap() : Value.EmptyMap.AsMap();
        var result = diagnostics.HasErrors ? Value.UnknownAny : Evaluator.Evaluate(expression, new EvaluationScope(roots, _host), diagnostics);
        if (diagnostics.HasErrors)
        {
            var first = diagnostics.Sorted().First(d => d.IsError);
            error = first.Span is { } span ? $"{span}: {first.Message}" : $"{source}: {first.Message}";
            return null;
        }

        if (!result.IsWhollyKnown)
        {
            return Value.Unknown(BatonType.String);
        }

        var sensitive = result.ContainsSensitive;
        var plain = result.WithoutSensitivity();
        Value rendered;
        switch (plain.Kind)
        {
            case ValueKind.String:
                rendered = plain;
                break;
            case ValueKind.Number:
            case ValueKind.Bool:
                rendered = Value.String(plain.ToDisplayString());
                break;
            case ValueKind.Null:
                rendered = Value.EmptyString;
                break;
            default:
                error = $"the template \"{source}\" produced a {plain.Kind.ToString().ToLowerInvariant()}, not text";
                return null;
        }

        return sensitive ? rendered.AsSensitive() : rendered;
    }
}
