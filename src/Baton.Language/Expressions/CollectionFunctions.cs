using System.Globalization;
using Baton.Text;
using Baton.Values;

namespace Baton.Expressions;

internal static class CollectionFunctions
{
    private static readonly BatonType List = BatonType.AnyList;
    private static readonly BatonType Map = BatonType.AnyMap;

    public static IEnumerable<IFunction> All()
    {
        yield return new BuiltinFunction("length", BatonType.Number, [new("value", BatonType.Any)], Length, acceptsPartlyUnknown: true);
        yield return new BuiltinFunction(
            "lookup",
            BatonType.Any,
            [new("map", Map), new("key", BatonType.String), new("default", BatonType.Any) { Optional = true, AllowsNull = true }],
            Lookup);
        yield return new BuiltinFunction(
            "coalesce", BatonType.Any, [], Coalesce, new FunctionParameter("values", BatonType.Any) { AllowsNull = true });
        yield return new BuiltinFunction("concat", List, [], c => Value.List(c.Arguments.SelectMany(l => l.AsList())), new FunctionParameter("lists", List), acceptsPartlyUnknown: true);
        yield return new BuiltinFunction("contains", BatonType.Bool, [new("list", List), new("value", BatonType.Any) { AllowsNull = true }], c =>
            Value.Bool(c.Arguments[0].AsList().Contains(c.Arguments[1])));
        yield return new BuiltinFunction("keys", BatonType.ListOf(BatonType.String), [new("map", Map)], c =>
            Value.List(c.Arguments[0].AsMap().Keys.Select(Value.String)), acceptsPartlyUnknown: true);
        yield return new BuiltinFunction("values", List, [new("map", Map)], c => Value.List(c.Arguments[0].AsMap().Values), acceptsPartlyUnknown: true);
        yield return new BuiltinFunction("merge", Map, [], Merge, new FunctionParameter("maps", Map), acceptsPartlyUnknown: true);
        yield return new BuiltinFunction("flatten", List, [new("list", List)], c => Value.List(Flatten(c.Arguments[0].AsList())));
        yield return new BuiltinFunction("distinct", List, [new("list", List)], c => Value.List(c.Arguments[0].AsList().Distinct()));
        yield return new BuiltinFunction("reverse", List, [new("list", List)], c => Value.List(c.Arguments[0].AsList().Reverse()), acceptsPartlyUnknown: true);
        yield return new BuiltinFunction("sort", BatonType.ListOf(BatonType.String), [new("list", BatonType.ListOf(BatonType.String))], Sort);
        yield return new BuiltinFunction("slice", List, [new("list", List), new("start", BatonType.Int), new("end", BatonType.Int)], Slice, acceptsPartlyUnknown: true);
        yield return new BuiltinFunction(
            "range",
            BatonType.ListOf(BatonType.Number),
            [new("start", BatonType.Number), new("end", BatonType.Number) { Optional = true }, new("step", BatonType.Number) { Optional = true }],
            Range);
    }

    /// <summary>The most elements <c>range()</c> creates, so that a typo cannot exhaust memory.</summary>
    public const int MaxRangeLength = 1_000_000;

    private static Value Length(FunctionCall call)
    {
        var value = call.Arguments[0];
        return value.Kind switch
        {
            ValueKind.List => Value.Number(value.AsList().Length),
            ValueKind.Map => Value.Number(value.AsMap().Count),
            ValueKind.String => Value.Number(new StringInfo(value.AsString()).LengthInTextElements),
            _ => call.Fail($"needs a list, map or string, got {ValueConversions.KindName(value)}", 0),
        };
    }

    private static Value Lookup(FunctionCall call)
    {
        var map = call.Arguments[0].AsMap();
        var key = call.Arguments[1].AsString();
        if (map.TryGetValue(key, out var found))
        {
            return found;
        }

        if (call.Arguments.Length > 2)
        {
            return call.Arguments[2];
        }

        return call.Fail(
            $"the map has no key {ValueConversions.Describe(call.Shown(1))}",
            1,
            (call.IsSensitive(1) ? null : Suggestions.DidYouMean(key, map.Keys)) ?? "pass a default as the third argument");
    }

    private static Value Coalesce(FunctionCall call)
    {
        foreach (var value in call.Arguments)
        {
            if (value.Kind != ValueKind.Null && !(value.Kind == ValueKind.String && value.AsString().Length == 0))
            {
                return value;
            }
        }

        return call.Fail("every argument is null or an empty string");
    }

    private static Value Merge(FunctionCall call)
    {
        var entries = new Dictionary<string, Value>(StringComparer.Ordinal);
        foreach (var map in call.Arguments)
        {
            foreach (var (key, value) in map.AsMap())
            {
                entries[key] = value;
            }
        }

        return Value.Map(entries);
    }

    private static IEnumerable<Value> Flatten(IEnumerable<Value> items)
    {
        foreach (var item in items)
        {
            if (item.Kind == ValueKind.List)
            {
                foreach (var inner in Flatten(item.AsList()))
                {
                    yield return inner;
                }
            }
            else
            {
                yield return item;
            }
        }
    }

    private static Value Sort(FunctionCall call)
    {
        var items = call.Arguments[0].AsList();
        if (items.Any(i => i.Kind == ValueKind.Null))
        {
            return call.Fail("the list holds null", 0);
        }

        return Value.List(items.OrderBy(i => i.AsString(), StringComparer.Ordinal));
    }

    private static Value Slice(FunctionCall call)
    {
        var items = call.Arguments[0].AsList();
        if (!call.TryInteger(1, out var start) || !call.TryInteger(2, out var end))
        {
            return Value.UnknownAny;
        }

        if (start < 0 || end > items.Length || start > end)
        {
            return call.Fail($"start {start} and end {end} do not fit a list of {items.Length} elements", 1, "0 <= start <= end <= length");
        }

        return Value.List(items[start..end]);
    }

    private static Value Range(FunctionCall call)
    {
        var arguments = call.Arguments;
        var (start, end) = arguments.Length == 1 ? (0, arguments[0].AsNumber()) : (arguments[0].AsNumber(), arguments[1].AsNumber());
        var step = arguments.Length > 2 ? arguments[2].AsNumber() : (start <= end ? 1 : -1);
        if (step == 0)
        {
            return call.Fail("the step must not be zero", 2);
        }

        if ((step > 0 && start > end) || (step < 0 && start < end))
        {
            return call.Fail($"a step of {Value.FormatNumber(step)} never gets from {Value.FormatNumber(start)} to {Value.FormatNumber(end)}", 2);
        }

        var count = Math.Ceiling((end - start) / step);
        if (!(count <= MaxRangeLength))
        {
            return call.Fail($"the range would have more than {MaxRangeLength:N0} elements");
        }

        var items = new Value[(int)count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = Value.Number(start + (i * step));
        }

        return Value.List(items);
    }
}
