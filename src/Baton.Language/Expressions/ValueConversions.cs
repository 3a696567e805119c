using System.Globalization;
using Baton.Values;

namespace Baton.Expressions;

/// <summary>The implicit conversions of the language, shared by operators, templates and functions.</summary>
internal static class ValueConversions
{
    /// <summary>A number, or a string that holds one (<c>"5" * 2</c> is 10, as in Terraform).</summary>
    public static bool TryNumber(Value value, out double number)
    {
        if (value.Kind == ValueKind.Number)
        {
            number = value.AsNumber();
            return true;
        }

        if (value.Kind == ValueKind.String && TryParseNumber(value.AsString(), out number))
        {
            return true;
        }

        number = 0;
        return false;
    }

    public static bool TryParseNumber(string text, out double number) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number) && double.IsFinite(number);

    /// <summary>A bool, or the strings <c>"true"</c> and <c>"false"</c>.</summary>
    public static bool TryBool(Value value, out bool result)
    {
        switch (value.Kind)
        {
            case ValueKind.Bool:
                result = value.AsBool();
                return true;
            case ValueKind.String when value.AsString() is "true" or "false":
                result = value.AsString() == "true";
                return true;
            default:
                result = false;
                return false;
        }
    }

    /// <summary>The text a value contributes to a template: strings, numbers and bools only. Ignores sensitive marks.</summary>
    public static bool TryText(Value value, out string text)
    {
        switch (value.Kind)
        {
            case ValueKind.String:
                text = value.AsString();
                return true;
            case ValueKind.Number:
                text = Value.FormatNumber(value.AsNumber());
                return true;
            case ValueKind.Bool:
                text = value.AsBool() ? "true" : "false";
                return true;
            default:
                text = string.Empty;
                return false;
        }
    }

    /// <summary>The value with every sensitive mark removed, at every level (the caller marks what it derives).</summary>
    public static Value Unmark(Value value) => value.Kind switch
    {
        ValueKind.List when value.ContainsSensitive => Value.List(value.AsList().Select(Unmark)),
        ValueKind.Map when value.ContainsSensitive => Value.Map(value.AsMap().Select(e => KeyValuePair.Create(e.Key, Unmark(e.Value)))),
        _ => value.WithoutSensitivity(),
    };

    /// <summary>"a number", "a list", … for messages.</summary>
    public static string KindName(Value value) => value.Kind switch
    {
        ValueKind.Null => "null",
        ValueKind.Bool => "a bool",
        ValueKind.Number => "a number",
        ValueKind.String => "a string",
        ValueKind.List => "a list",
        ValueKind.Map => "a map",
        _ => "an unknown value",
    };

    /// <summary>The value as shown in a message: short, and redacted where sensitive.</summary>
    public static string Describe(Value value)
    {
        var text = value.ToString();
        return text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 37), "...");
    }

    /// <summary>Kind and value for a message, such as <c>the string "abc"</c>.</summary>
    public static string KindAndValue(Value value) => value.Kind switch
    {
        ValueKind.Bool => $"the bool {Describe(value)}",
        ValueKind.Number => $"the number {Describe(value)}",
        ValueKind.String => $"the string {Describe(value)}",
        _ => KindName(value),
    };
}
