using Baton.Values;

namespace Baton.Expressions;

internal static class NumericFunctions
{
    private static readonly BatonType Num = BatonType.Number;

    public static IEnumerable<IFunction> All()
    {
        yield return new BuiltinFunction("min", Num, [new("first", Num)], c => c.Number(c.Arguments.Min(a => a.AsNumber())), new FunctionParameter("more", Num));
        yield return new BuiltinFunction("max", Num, [new("first", Num)], c => c.Number(c.Arguments.Max(a => a.AsNumber())), new FunctionParameter("more", Num));
        yield return new BuiltinFunction("abs", Num, [new("number", Num)], c => c.Number(Math.Abs(c.Arguments[0].AsNumber())));
        yield return new BuiltinFunction("ceil", Num, [new("number", Num)], c => c.Number(Math.Ceiling(c.Arguments[0].AsNumber())));
        yield return new BuiltinFunction("floor", Num, [new("number", Num)], c => c.Number(Math.Floor(c.Arguments[0].AsNumber())));
        yield return new BuiltinFunction("tonumber", Num, [new("value", BatonType.Any) { AllowsNull = true }], ToNumber);
        yield return new BuiltinFunction("tobool", BatonType.Bool, [new("value", BatonType.Any) { AllowsNull = true }], ToBool);
    }

    private static Value ToNumber(FunctionCall call)
    {
        var value = call.Arguments[0];
        if (value.Kind == ValueKind.Null)
        {
            return Value.Null;
        }

        return ValueConversions.TryNumber(value, out var number)
            ? Value.Number(number)
            : call.Fail($"cannot convert {ValueConversions.KindAndValue(call.Shown(0))} to a number", 0);
    }

    private static Value ToBool(FunctionCall call)
    {
        var value = call.Arguments[0];
        if (value.Kind == ValueKind.Null)
        {
            return Value.Null;
        }

        return ValueConversions.TryBool(value, out var result)
            ? Value.Bool(result)
            : call.Fail($"cannot convert {ValueConversions.KindAndValue(call.Shown(0))} to a bool", 0, "only true, false, \"true\" and \"false\" convert");
    }
}
