using System.Globalization;
using System.Text;
using Baton.Values;

namespace Baton.Expressions;

internal static class StringFunctions
{
    private static readonly BatonType Str = BatonType.String;

    public static IEnumerable<IFunction> All()
    {
        yield return new BuiltinFunction("join", Str, [new("separator", Str), new("list", BatonType.ListOf(Str))], Join);
        yield return new BuiltinFunction("split", BatonType.ListOf(Str), [new("separator", Str), new("text", Str)], Split);
        yield return new BuiltinFunction(
            "format", Str, [new("format", Str)], Format, new FunctionParameter("values", BatonType.Any) { AllowsNull = true });
        yield return new BuiltinFunction("upper", Str, [new("text", Str)], c => Value.String(c.Arguments[0].AsString().ToUpperInvariant()));
        yield return new BuiltinFunction("lower", Str, [new("text", Str)], c => Value.String(c.Arguments[0].AsString().ToLowerInvariant()));
        yield return new BuiltinFunction("trim", Str, [new("text", Str), new("characters", Str) { Optional = true }], Trim);
        yield return new BuiltinFunction("replace", Str, [new("text", Str), new("old", Str), new("new", Str)], Replace);
        yield return new BuiltinFunction("startswith", BatonType.Bool, [new("text", Str), new("prefix", Str)], c =>
            Value.Bool(c.Arguments[0].AsString().StartsWith(c.Arguments[1].AsString(), StringComparison.Ordinal)));
        yield return new BuiltinFunction("endswith", BatonType.Bool, [new("text", Str), new("suffix", Str)], c =>
            Value.Bool(c.Arguments[0].AsString().EndsWith(c.Arguments[1].AsString(), StringComparison.Ordinal)));
        yield return new BuiltinFunction("substr", Str, [new("text", Str), new("offset", BatonType.Int), new("length", BatonType.Int)], Substr);
        yield return new BuiltinFunction("tostring", Str, [new("value", BatonType.Any) { AllowsNull = true }], ToStringFunction);
    }

    private static Value Join(FunctionCall call)
    {
        var items = call.Arguments[1].AsList();
        var parts = new string[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            if (items[i].Kind == ValueKind.Null)
            {
                return call.Fail($"element {i} of the list is null", 1, "leave nulls out with coalesce() or a conditional");
            }

            parts[i] = items[i].AsString();
        }

        return Value.String(string.Join(call.Arguments[0].AsString(), parts));
    }

    private static Value Split(FunctionCall call)
    {
        var separator = call.Arguments[0].AsString();
        if (separator.Length == 0)
        {
            return call.Fail("the separator must not be empty", 0);
        }

        return Value.List(call.Arguments[1].AsString().Split(separator).Select(Value.String));
    }

    private static Value Trim(FunctionCall call)
    {
        var text = call.Arguments[0].AsString();
        return Value.String(call.Arguments.Length > 1 ? text.Trim(call.Arguments[1].AsString().ToCharArray()) : text.Trim());
    }

    private static Value Replace(FunctionCall call)
    {
        var old = call.Arguments[1].AsString();
        if (old.Length == 0)
        {
            return call.Fail("the text to replace must not be empty", 1);
        }

        return Value.String(call.Arguments[0].AsString().Replace(old, call.Arguments[2].AsString(), StringComparison.Ordinal));
    }

    /// <summary>Offsets and lengths count characters as people see them (text elements); a negative offset counts from the end, length -1 means the rest.</summary>
    private static Value Substr(FunctionCall call)
    {
        if (!call.TryInteger(1, out var offset) || !call.TryInteger(2, out var length))
        {
            return Value.UnknownAny;
        }

        var info = new StringInfo(call.Arguments[0].AsString());
        var count = info.LengthInTextElements;
        if (offset < 0)
        {
            offset = Math.Max(0, count + offset);
        }

        if (length < -1)
        {
            return call.Fail($"length must be -1 (the rest) or more, got {length}", 2);
        }

        if (offset >= count)
        {
            return Value.EmptyString;
        }

        var available = count - offset;
        var take = length == -1 ? available : Math.Min(length, available);
        return take == 0 ? Value.EmptyString : Value.String(info.SubstringByTextElements(offset, take));
    }

    private static Value ToStringFunction(FunctionCall call)
    {
        var value = call.Arguments[0];
        if (value.Kind == ValueKind.Null)
        {
            return Value.Null;
        }

        return ValueConversions.TryText(value, out var text)
            ? Value.String(text)
            : call.Fail($"cannot convert {ValueConversions.KindName(value)} to a string", 0, "use jsonencode() for lists and maps");
    }

    /// <summary>printf-like: %s text, %d whole number, %f number (%.2f), %v any value, %q quoted string, %% a percent sign.</summary>
    private static Value Format(FunctionCall call)
    {
        var format = call.Arguments[0].AsString();
        var builder = new StringBuilder();
        var next = 1;
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (c != '%')
            {
                builder.Append(c);
                continue;
            }

            var verbStart = i;
            i++;
            int? precision = null;
            if (i < format.Length && format[i] == '.')
            {
                var digitsStart = ++i;
                while (i < format.Length && char.IsAsciiDigit(format[i]))
                {
                    i++;
                }

                if (i - digitsStart is 0 or > 2)
                {
                    return call.Fail("a precision such as %.2f needs one or two digits", 0);
                }

                precision = int.Parse(format.AsSpan(digitsStart, i - digitsStart), CultureInfo.InvariantCulture);
            }

            if (i >= format.Length)
            {
                return call.Fail("the format ends in the middle of a verb", 0, "write %% for a percent sign");
            }

            var verb = format[i];
            if (verb == '%' && precision is null)
            {
                builder.Append('%');
                continue;
            }

            if (verb is not ('s' or 'd' or 'f' or 'v' or 'q'))
            {
                return call.Fail($"unknown verb \"{format[verbStart..(i + 1)]}\"", 0, "the verbs are %s %d %f %v %q and %% for a percent sign");
            }

            if (next >= call.Arguments.Length)
            {
                return call.Fail($"the format has more verbs than the {call.Arguments.Length - 1} values given");
            }

            var argument = next;
            var value = call.Arguments[next++];
            switch (verb)
            {
                case 'v':
                    builder.Append(value.Kind == ValueKind.String ? value.AsString() : value.ToString());
                    break;
                case 'd':
                case 'f':
                    if (!ValueConversions.TryNumber(value, out var number))
                    {
                        return call.Fail($"%{verb} needs a number, got {ValueConversions.KindAndValue(call.Shown(argument))}", argument);
                    }

                    if (verb == 'd')
                    {
                        if (number != Math.Floor(number))
                        {
                            return call.Fail($"%d needs a whole number, got {Value.FormatNumber(number)}", argument, "use %f or %v");
                        }

                        builder.Append(Value.FormatNumber(number));
                    }
                    else
                    {
                        builder.Append(number.ToString("F" + (precision ?? 6).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
                    }

                    break;
                default:
                    if (!ValueConversions.TryText(value, out var text))
                    {
                        return call.Fail($"%{verb} needs a string, number or bool, got {ValueConversions.KindName(value)}", argument, "use %v or jsonencode()");
                    }

                    if (verb == 'q')
                    {
                        Value.AppendQuoted(builder, text);
                    }
                    else
                    {
                        builder.Append(text);
                    }

                    break;
            }
        }

        if (next < call.Arguments.Length)
        {
            return call.Fail($"{call.Arguments.Length - 1} values given but the format uses only {next - 1}", next);
        }

        return Value.String(builder.ToString());
    }
}
