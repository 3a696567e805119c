using System.Collections.Immutable;
using Baton.Text;
using Baton.Values;

namespace Baton.Expressions;

internal static class FileFunctions
{
    /// <summary>How deeply template files may call <c>template()</c> in turn, so that a file that includes itself stops.</summary>
    private const int MaxTemplateDepth = 8;

    public static IEnumerable<IFunction> All()
    {
        yield return new BuiltinFunction("file", BatonType.String, [new("path", BatonType.String)], File);
        yield return new BuiltinFunction(
            "template",
            BatonType.String,
            [new("path", BatonType.String), new("vars", BatonType.AnyMap) { Optional = true }],
            Template,
            acceptsPartlyUnknown: true);
    }

    private static Value File(FunctionCall call)
    {
        var path = call.Arguments[0].AsString();
        return call.Host.TryReadFile(path, out var content, out var error)
            ? Value.String(content)
            : call.Fail($"cannot read \"{path}\": {error}", 0);
    }

    /// <summary>Reads a file as a template whose bare names are the keys of <c>vars</c>; its errors point into the file.</summary>
    private static Value Template(FunctionCall call)
    {
        if (call.TemplateDepth >= MaxTemplateDepth)
        {
            return call.Fail($"templates call template() more than {MaxTemplateDepth} levels deep", 0);
        }

        var path = call.Arguments[0].AsString();
        if (!call.Host.TryReadFile(path, out var content, out var error))
        {
            return call.Fail($"cannot read \"{path}\": {error}", 0);
        }

        // The vars as given, marks kept: what the template does with a sensitive value stays sensitive, in its result
        // and in its errors.
        var vars = call.Arguments.Length < 2 ? Value.EmptyMap.AsMap()
            : call.Given[1] is { Kind: ValueKind.Map, IsSensitive: false } given ? given.AsMap()
            : call.IsSensitive(1) ? call.Arguments[1].AsMap().ToImmutableSortedDictionary(e => e.Key, e => e.Value.AsSensitive(), StringComparer.Ordinal)
            : call.Arguments[1].AsMap();
        var errorsBefore = call.Diagnostics.ErrorCount;
        var expression = ExpressionParser.ParseTemplate(content, TextOrigin.Verbatim(path, new(1, 1), content), call.Diagnostics);
        var scope = new EvaluationScope(vars, call.Host);
        var result = new EvaluationRun(scope, call.Diagnostics, call.TemplateDepth + 1).Evaluate(expression);
        if (call.Diagnostics.ErrorCount > errorsBefore)
        {
            return Value.UnknownAny;
        }

        if (!result.IsKnown)
        {
            return Value.Unknown(BatonType.String);
        }

        return ValueConversions.TryText(result, out var text)
            ? Value.String(text)
            : call.Fail($"the template \"{path}\" produced {ValueConversions.KindName(result)}, not text", 0);
    }
}
