using Baton.Diagnostics;
using Baton.Providers;
using Baton.Spec;
using Baton.Text;
using Baton.Values;

namespace Baton.Expressions;

/// <summary>
/// The host's <see cref="ITemplateRenderer"/>: a template file of the stack directory, parsed as template text and
/// evaluated over the vars, its <c>file()</c> and <c>template()</c> reads confined to the stack directory like the
/// stack files' own (<see cref="StackFileHost"/>).
/// </summary>
public sealed class StackTemplateRenderer(string stackDirectory) : ITemplateRenderer
{
    private readonly StackFileHost _host = new(stackDirectory);

    /// <inheritdoc />
    public Value? Render(string path, Value vars, out string? error)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(vars);
        error = null;
        if (!_host.TryReadFile(path, out var text, out var readError))
        {
            error = $"cannot read the template \"{path}\": {readError}";
            return null;
        }

        var diagnostics = new DiagnosticBag();
        var expression = ExpressionParser.ParseTemplate(text, TextOrigin.Verbatim(path, new SourcePosition(1, 1), text), diagnostics);
        var roots = vars.Kind == ValueKind.Map ? vars.AsMap() : Value.EmptyMap.AsMap();
        var result = diagnostics.HasErrors ? Value.UnknownAny : Evaluator.Evaluate(expression, new EvaluationScope(roots, _host), diagnostics);
        if (diagnostics.HasErrors)
        {
            var first = diagnostics.Sorted().First(d => d.IsError);
            error = first.Span is { } span ? $"{span}: {first.Message}" : $"{path}: {first.Message}";
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
                error = $"the template \"{path}\" produced a {plain.Kind.ToString().ToLowerInvariant()}, not text";
                return null;
        }

        return sensitive ? rendered.AsSensitive() : rendered;
    }
}
