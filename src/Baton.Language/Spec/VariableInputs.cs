using Baton.Diagnostics;
using Baton.Spec.Yaml;
using Baton.Text;
using Baton.Values;

namespace Baton.Spec;

/// <summary>
/// Gathers variable values from outside the stack file. Precedence, lowest first: the declared default,
/// <c>BATON_VAR_name</c> environment variables, <c>--var-file</c> files in the order given, then <c>--var</c>
/// options in the order given; the last value given for a name wins.
/// </summary>
public static class VariableInputs
{
    /// <summary>The prefix of environment variables that set stack variables.</summary>
    public const string EnvironmentPrefix = "BATON_VAR_";

    /// <summary>Values from environment variables named <c>BATON_VAR_name</c>.</summary>
    public static IReadOnlyList<VariableInput> FromEnvironment(IEnumerable<KeyValuePair<string, string>> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return [.. environment
            .Where(e => e.Key.StartsWith(EnvironmentPrefix, StringComparison.Ordinal) && e.Key.Length > EnvironmentPrefix.Length)
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => new VariableInput
            {
                Name = e.Key[EnvironmentPrefix.Length..],
                Value = Value.String(e.Value),
                Source = VariableSource.Environment,
                Origin = e.Key,
                IsRawText = true,
            })];
    }

    /// <summary>A value from <c>--var name=value</c>; null (with a diagnostic) when the text has no <c>=</c>.</summary>
    public static VariableInput? FromAssignment(string assignment, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var equals = assignment.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            diagnostics.Add(new Diagnostic
            {
                Severity = DiagnosticSeverity.Error,
                Code = DiagnosticCodes.BadVariableInput,
                Message = $"--var \"{assignment}\" is not of the form name=value",
                Subject = "--var",
                Help = "write --var replicas=3",
            });
            return null;
        }

        var name = assignment[..equals];
        return new VariableInput
        {
            Name = name,
            Value = Value.String(assignment[(equals + 1)..]),
            Source = VariableSource.CommandLine,
            Origin = $"--var {name}",
            IsRawText = true,
        };
    }

    /// <summary>Values from a YAML (or JSON) file mapping names to values.</summary>
    public static IReadOnlyList<VariableInput> FromFile(string path, string displayPath, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(diagnostics);
        if (!TextFile.TryRead(path, displayPath, TextFile.MaxStackFileBytes, out var text, out var error, out var at))
        {
            diagnostics.Add(new Diagnostic
            {
                Severity = DiagnosticSeverity.Error,
                Code = DiagnosticCodes.BadVariableInput,
                Message = "cannot read the variable file: " + error,
                Subject = displayPath,
                Span = at is { } position ? new SourceSpan(displayPath, position, position with { Column = position.Column + 1 }) : null,
            });
            return [];
        }

        return FromText(new SourceFile(displayPath, text), diagnostics);
    }

    /// <summary>Values from the text of a variable file.</summary>
    public static IReadOnlyList<VariableInput> FromText(SourceFile file, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(file);
        var root = YamlReader.Read(file, diagnostics);
        if (root is null or YamlScalar { IsNull: true })
        {
            return [];
        }

        if (root is not YamlMapping mapping)
        {
            diagnostics.Error(DiagnosticCodes.BadVariableInput, $"a variable file maps names to values; this one is {root.KindName}", root.Span);
            return [];
        }

        var inputs = new List<VariableInput>();
        foreach (var entry in mapping.Entries)
        {
            if (YamlExpressions.Literal(entry.Value) is not { } value)
            {
                diagnostics.Error(DiagnosticCodes.BadVariableInput, $"the value of \"{entry.Key.Value}\" cannot be read", entry.Value.Span);
                continue;
            }

            inputs.Add(new VariableInput
            {
                Name = entry.Key.Value,
                Value = value,
                Source = VariableSource.File,
                Origin = file.Path,
                Span = entry.Key.Span,
            });
        }

        return inputs;
    }

    /// <summary>
    /// Parses text given for a variable of type <paramref name="type"/>: strings as they are, other types as YAML
    /// (so <c>--var zones=[a,b]</c> is a list and <c>--var replicas=3</c> a number).
    /// </summary>
    public static Value ParseRawText(string text, BatonType type)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(type);
        if (type.Kind is TypeKind.String or TypeKind.Number or TypeKind.Int or TypeKind.Bool)
        {
            return Value.String(text);
        }

        var diagnostics = new DiagnosticBag();
        var root = YamlReader.Read(new SourceFile("--var", text), diagnostics);
        return !diagnostics.HasErrors && root is not null && YamlExpressions.Literal(root) is { } value ? value : Value.String(text);
    }
}
