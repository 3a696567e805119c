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
        if (Over(call, call.Budget.SpendCall()) is { } stop)
        {
            return stop;
        }

        var path = call.Arguments[0].AsString();
        if (!call.Host.TryReadFile(path, out var content, out var error))
        {
            return call.Fail($"cannot read \"{path}\": {error}", 0);
        }

        return Over(call, call.Budget.SpendChars(content.Length)) ?? Value.String(content);
    }

    /// <summary>Null while the budget lasts; else an unknown value, with the one diagnostic that says it ran out.</summary>
    private static Value? Over(FunctionCall call, string? why) => why switch
    {
        null => null,
        "" => Value.UnknownAny,
        _ => call.Fail(why, null, "a template that includes itself, or includes one file many times, multiplies; include each part once"),
    };

    /// <summary>Reads a file as a template whose bare names are the keys of <c>vars</c>; its errors point into the file.</summary>
    private static Value Template(FunctionCall call)
    {
        if (call.TemplateDepth >= MaxTemplateDepth)
        {
            return Over(call, call.Budget.Stop($"templates call template() more than {MaxTemplateDepth} levels deep"))!;
        }

        if (Over(call, call.Budget.SpendCall()) is { } stop)
        {
            return stop;
        }

        var path = call.Arguments[0].AsString();
        if (!call.Host.TryReadFile(path, out var content, out var error))
        {
            return call.Fail($"cannot read \"{path}\": {error}", 0);
        }

        if (Over(call, call.Budget.SpendChars(content.Length)) is { } tooMuch)
        {
            return tooMuch;
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
        var result = new EvaluationRun(scope, call.Diagnostics, call.TemplateDepth + 1, call.Budget).Evaluate(expression);
        if (call.Diagnostics.ErrorCount > errorsBefore)
        {
            return Value.UnknownAny;
        }

        if (!result.IsKnown)
        {
            return Value.Unknown(BatonType.String);
        }

        return ValueConversions.TryText(result, out var text)
            ? Over(call, call.Budget.SpendChars(text.Length)) ?? Value.String(text)
            : call.Fail($"the template \"{path}\" produced {ValueConversions.KindName(result)}, not text", 0);
    }
}
