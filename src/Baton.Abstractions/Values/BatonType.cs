using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Baton.Values;

/// <summary>
/// A type of the stack language: <c>string</c>, <c>number</c>, <c>int</c>, <c>bool</c>, <c>list(T)</c>, <c>map(T)</c>, <c>any</c>.
/// Types are used for declared variables and inputs, function signatures and static checks; values carry their own kind.
/// </summary>
public sealed record BatonType
{
    private BatonType(TypeKind kind, BatonType? element)
    {
        Kind = kind;
        Element = element;
    }

    /// <summary>The kind of type.</summary>
    public TypeKind Kind { get; }

    /// <summary>The element type of a list or map; <c>null</c> for other kinds.</summary>
    public BatonType? Element { get; }

    /// <summary>Any value.</summary>
    public static BatonType Any { get; } = new(TypeKind.Any, null);

    /// <summary>Text.</summary>
    public static BatonType String { get; } = new(TypeKind.String, null);

    /// <summary>Any number.</summary>
    public static BatonType Number { get; } = new(TypeKind.Number, null);

    /// <summary>A whole number.</summary>
    public static BatonType Int { get; } = new(TypeKind.Int, null);

    /// <summary>true or false.</summary>
    public static BatonType Bool { get; } = new(TypeKind.Bool, null);

    /// <summary>The type of null.</summary>
    public static BatonType Null { get; } = new(TypeKind.Null, null);

    /// <summary>A list of any values.</summary>
    public static BatonType AnyList { get; } = new(TypeKind.List, Any);

    /// <summary>A map of any values.</summary>
    public static BatonType AnyMap { get; } = new(TypeKind.Map, Any);

    /// <summary>A list of <paramref name="element"/>.</summary>
    public static BatonType ListOf(BatonType element) => element.Kind == TypeKind.Any ? AnyList : new(TypeKind.List, element);

    /// <summary>A map of <paramref name="element"/>.</summary>
    public static BatonType MapOf(BatonType element) => element.Kind == TypeKind.Any ? AnyMap : new(TypeKind.Map, element);

    /// <summary>Whether this is a number type (<c>number</c> or <c>int</c>).</summary>
    public bool IsNumeric => Kind is TypeKind.Number or TypeKind.Int;

    /// <summary>
    /// Whether a value of type <paramref name="source"/> can be used where this type is expected, possibly after
    /// conversion (a string such as <c>"3"</c> converts to a number, a number or bool to a string).
    /// Returns true when either side is <c>any</c>: a static check may only reject what must fail.
    /// </summary>
    public bool Accepts(BatonType source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (Kind == TypeKind.Any || source.Kind == TypeKind.Any || source.Kind == TypeKind.Null)
        {
            return true;
        }

        return Kind switch
        {
            TypeKind.String => source.Kind is TypeKind.String or TypeKind.Number or TypeKind.Int or TypeKind.Bool,
            TypeKind.Number => source.Kind is TypeKind.Number or TypeKind.Int or TypeKind.String,
            TypeKind.Int => source.Kind is TypeKind.Number or TypeKind.Int or TypeKind.String,
            TypeKind.Bool => source.Kind is TypeKind.Bool or TypeKind.String,
            TypeKind.List => source.Kind == TypeKind.List && Element!.Accepts(source.Element!),
            TypeKind.Map => source.Kind == TypeKind.Map && Element!.Accepts(source.Element!),
            TypeKind.Null => false,
            _ => false,
        };
    }

    /// <summary>
    /// Converts <paramref name="value"/> to this type, as a variable's declared type converts what a user passed.
    /// Unknown values convert to unknown values of this type; sensitivity is kept.
    /// </summary>
    public bool TryConvert(Value value, [NotNullWhen(true)] out Value? converted, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(value);
        converted = null;
        error = null;
        if (value.Kind == ValueKind.Unknown)
        {
            converted = Value.Unknown(this).WithSensitivity(value.IsSensitive);
            return true;
        }

        if (Kind == TypeKind.Any || value.Kind == ValueKind.Null)
        {
            converted = value;
            return true;
        }

        switch (Kind)
        {
            case TypeKind.String:
                switch (value.Kind)
                {
                    case ValueKind.String:
                        converted = value;
                        return true;
                    case ValueKind.Number:
                    case ValueKind.Bool:
                        converted = Value.String(value.WithoutSensitivity().ToDisplayString()).WithSensitivity(value.IsSensitive);
                        return true;
                    default:
                        break;
                }

                break;
            case TypeKind.Number:
            case TypeKind.Int:
                double number;
                if (value.Kind == ValueKind.Number)
                {
                    number = value.AsNumber();
                }
                else if (value.Kind == ValueKind.String
                    && double.TryParse(value.AsString(), NumberStyles.Float, CultureInfo.InvariantCulture, out number)
                    && double.IsFinite(number))
                {
                }
                else
                {
                    break;
                }

                if (Kind == TypeKind.Int && number != Math.Floor(number))
                {
                    error = $"{Value.FormatNumber(number)} is not a whole number";
                    return false;
                }

                converted = Value.Number(number).WithSensitivity(value.IsSensitive);
                return true;
            case TypeKind.Bool:
                if (value.Kind == ValueKind.Bool)
                {
                    converted = value;
                    return true;
                }

                if (value.Kind == ValueKind.String && value.AsString() is "true" or "false")
                {
                    converted = Value.Bool(value.AsString() == "true").WithSensitivity(value.IsSensitive);
                    return true;
                }

                break;
            case TypeKind.List:
                if (value.Kind == ValueKind.List)
                {
                    var items = new List<Value>(value.AsList().Length);
                    var index = 0;
                    foreach (var item in value.AsList())
                    {
                        if (!Element!.TryConvert(item, out var convertedItem, out var itemError))
                        {
                            error = $"element {index}: {itemError}";
                            return false;
                        }

                        items.Add(convertedItem);
                        index++;
                    }

                    converted = Value.List(items).WithSensitivity(value.IsSensitive);
                    return true;
                }

                break;
            case TypeKind.Map:
                if (value.Kind == ValueKind.Map)
                {
                    var entries = new List<KeyValuePair<string, Value>>();
                    foreach (var (key, item) in value.AsMap())
                    {
                        if (!Element!.TryConvert(item, out var convertedItem, out var itemError))
                        {
                            error = $"key \"{key}\": {itemError}";
                            return false;
                        }

                        entries.Add(new(key, convertedItem));
                    }

                    converted = Value.Map(entries).WithSensitivity(value.IsSensitive);
                    return true;
                }

                break;
            default:
                break;
        }

        error = $"{value} is a {value.Kind.ToString().ToLowerInvariant()}";
        return false;
    }

    /// <summary>Parses a type name such as <c>string</c>, <c>list(number)</c> or <c>map(list(string))</c>.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out BatonType? type)
    {
        ArgumentNullException.ThrowIfNull(text);
        var position = 0;
        type = ParseAt(text.Trim(), ref position);
        if (type is null || position != text.Trim().Length)
        {
            type = null;
            return false;
        }

        return true;
    }

    private static BatonType? ParseAt(string text, ref int position)
    {
        var start = position;
        while (position < text.Length && char.IsAsciiLetterLower(text[position]))
        {
            position++;
        }

        var name = text[start..position];
        BatonType? simple = name switch
        {
            "string" => String,
            "number" => Number,
            "int" => Int,
            "bool" => Bool,
            "any" => Any,
            _ => null,
        };
        if (simple is not null)
        {
            return simple;
        }

        if (name is not ("list" or "map"))
        {
            return null;
        }

        if (position >= text.Length || text[position] != '(')
        {
            return name == "list" ? AnyList : AnyMap;
        }

        position++;
        var element = ParseAt(text, ref position);
        if (element is null || position >= text.Length || text[position] != ')')
        {
            return null;
        }

        position++;
        return name == "list" ? ListOf(element) : MapOf(element);
    }

    /// <summary>The type of a value, as precise as its contents allow.</summary>
    public static BatonType Of(Value value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Kind switch
        {
            ValueKind.Null => Null,
            ValueKind.Bool => Bool,
            ValueKind.Number => Number,
            ValueKind.String => String,
            ValueKind.List => ListOf(Common(value.AsList().Select(Of))),
            ValueKind.Map => MapOf(Common(value.AsMap().Values.Select(Of))),
            ValueKind.Unknown => value.UnknownType,
            _ => Any,
        };
    }

    /// <summary>The most precise type that every one of <paramref name="types"/> fits; <c>any</c> when they differ.</summary>
    public static BatonType Common(IEnumerable<BatonType> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        BatonType? common = null;
        foreach (var type in types)
        {
            if (type.Kind == TypeKind.Null)
            {
                continue;
            }

            if (common is null)
            {
                common = type;
            }
            else if (common != type)
            {
                if (common.IsNumeric && type.IsNumeric)
                {
                    common = Number;
                }
                else
                {
                    return Any;
                }
            }
        }

        return common ?? Any;
    }

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        TypeKind.List => Element!.Kind == TypeKind.Any ? "list" : $"list({Element})",
        TypeKind.Map => Element!.Kind == TypeKind.Any ? "map" : $"map({Element})",
        _ => Kind.ToString().ToLowerInvariant(),
    };
}
