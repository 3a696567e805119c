using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace Baton.Values;

/// <summary>
/// An immutable value of the stack language. A value may be <see cref="ValueKind.Unknown"/> (known only after apply)
/// and may be marked <see cref="IsSensitive"/>; both marks propagate through every operation on the value.
/// Equality compares contents and ignores the sensitive mark.
/// </summary>
public sealed class Value : IEquatable<Value>
{
    private readonly double _number;
    private readonly object? _payload;

    private Value(ValueKind kind, double number, object? payload, bool sensitive)
    {
        Kind = kind;
        _number = number;
        _payload = payload;
        IsSensitive = sensitive;
    }

    /// <summary>The shape of this value.</summary>
    public ValueKind Kind { get; }

    /// <summary>Whether this value is secret: it is redacted wherever it is shown and encrypted wherever it is stored.</summary>
    public bool IsSensitive { get; }

    /// <summary>The null value.</summary>
    public static Value Null { get; } = new(ValueKind.Null, 0, null, false);

    /// <summary>The value true.</summary>
    public static Value True { get; } = new(ValueKind.Bool, 1, null, false);

    /// <summary>The value false.</summary>
    public static Value False { get; } = new(ValueKind.Bool, 0, null, false);

    /// <summary>The empty string.</summary>
    public static Value EmptyString { get; } = new(ValueKind.String, 0, string.Empty, false);

    /// <summary>The empty list.</summary>
    public static Value EmptyList { get; } = new(ValueKind.List, 0, ImmutableArray<Value>.Empty, false);

    /// <summary>The empty map.</summary>
    public static Value EmptyMap { get; } = new(ValueKind.Map, 0, ImmutableSortedDictionary<string, Value>.Empty.WithComparers(StringComparer.Ordinal), false);

    /// <summary>An unknown value of any type.</summary>
    public static Value UnknownAny { get; } = new(ValueKind.Unknown, 0, BatonType.Any, false);

    /// <summary>A boolean.</summary>
    public static Value Bool(bool value) => value ? True : False;

    /// <summary>A number. Throws for NaN and infinities, which the language cannot express.</summary>
    public static Value Number(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "Numbers must be finite.");
        }

        // Normalise -0 so that equality and printing agree.
        return new Value(ValueKind.Number, value == 0 ? 0 : value, null, false);
    }

    /// <summary>A string.</summary>
    public static Value String(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length == 0 ? EmptyString : new Value(ValueKind.String, 0, value, false);
    }

    /// <summary>A list of values.</summary>
    public static Value List(IEnumerable<Value> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var array = items.ToImmutableArray();
        return array.IsEmpty ? EmptyList : new Value(ValueKind.List, 0, array, false);
    }

    /// <summary>A list of values.</summary>
    public static Value List(params ReadOnlySpan<Value> items) => List(ImmutableArray.Create(items));

    /// <summary>A map of values. A key given twice keeps the last value.</summary>
    public static Value Map(IEnumerable<KeyValuePair<string, Value>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var builder = ImmutableSortedDictionary.CreateBuilder<string, Value>(StringComparer.Ordinal);
        foreach (var (key, value) in entries)
        {
            builder[key] = value;
        }

        return builder.Count == 0 ? EmptyMap : new Value(ValueKind.Map, 0, builder.ToImmutable(), false);
    }

    /// <summary>A value of type <paramref name="type"/> that will be known only after apply.</summary>
    public static Value Unknown(BatonType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.Kind == TypeKind.Any ? UnknownAny : new Value(ValueKind.Unknown, 0, type, false);
    }

    /// <summary>This value, marked sensitive.</summary>
    public Value AsSensitive() => WithSensitivity(true);

    /// <summary>This value with the sensitive mark set as given (a sensitive value is never unmarked by this call when <paramref name="sensitive"/> is false: pass <see cref="WithoutSensitivity"/> for that).</summary>
    public Value WithSensitivity(bool sensitive) =>
        !sensitive || IsSensitive ? this : new Value(Kind, _number, _payload, true);

    /// <summary>This value without the sensitive mark on its top level (for code that has already redacted what it shows).</summary>
    public Value WithoutSensitivity() => IsSensitive ? new Value(Kind, _number, _payload, false) : this;

    /// <summary>The boolean of a <see cref="ValueKind.Bool"/> value.</summary>
    public bool AsBool() => Kind == ValueKind.Bool ? _number != 0 : throw WrongKind(ValueKind.Bool);

    /// <summary>The number of a <see cref="ValueKind.Number"/> value.</summary>
    public double AsNumber() => Kind == ValueKind.Number ? _number : throw WrongKind(ValueKind.Number);

    /// <summary>The text of a <see cref="ValueKind.String"/> value.</summary>
    public string AsString() => Kind == ValueKind.String ? (string)_payload! : throw WrongKind(ValueKind.String);

    /// <summary>The items of a <see cref="ValueKind.List"/> value.</summary>
    public ImmutableArray<Value> AsList() => Kind == ValueKind.List ? (ImmutableArray<Value>)_payload! : throw WrongKind(ValueKind.List);

    /// <summary>The entries of a <see cref="ValueKind.Map"/> value, ordered by key (ordinal).</summary>
    public ImmutableSortedDictionary<string, Value> AsMap() =>
        Kind == ValueKind.Map ? (ImmutableSortedDictionary<string, Value>)_payload! : throw WrongKind(ValueKind.Map);

    /// <summary>The type an <see cref="ValueKind.Unknown"/> value will have once known.</summary>
    public BatonType UnknownType => Kind == ValueKind.Unknown ? (BatonType)_payload! : throw WrongKind(ValueKind.Unknown);

    /// <summary>Whether this value is known at its top level.</summary>
    public bool IsKnown => Kind != ValueKind.Unknown;

    /// <summary>Whether this value and everything inside it is known.</summary>
    public bool IsWhollyKnown => Kind switch
    {
        ValueKind.Unknown => false,
        ValueKind.List => AsList().All(v => v.IsWhollyKnown),
        ValueKind.Map => AsMap().Values.All(v => v.IsWhollyKnown),
        _ => true,
    };

    /// <summary>Whether this value or anything inside it is sensitive.</summary>
    public bool ContainsSensitive => IsSensitive || Kind switch
    {
        ValueKind.List => AsList().Any(v => v.ContainsSensitive),
        ValueKind.Map => AsMap().Values.Any(v => v.ContainsSensitive),
        _ => false,
    };

    /// <summary>Whether this number has no fraction.</summary>
    public bool IsInteger => Kind == ValueKind.Number && _number == Math.Floor(_number);

    /// <summary>Formats a number the way the language prints it: integers without a fraction, others shortest round-trip.</summary>
    public static string FormatNumber(double number) =>
        number == Math.Floor(number) && Math.Abs(number) < 1e15
            ? ((long)number).ToString(CultureInfo.InvariantCulture)
            : number.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// The value as text for people: strings bare, numbers as the language prints them, lists and maps in
    /// expression syntax, unknown values as <c>(known after apply)</c> and sensitive values as <c>(sensitive)</c>.
    /// </summary>
    public string ToDisplayString()
    {
        if (IsSensitive)
        {
            return "(sensitive)";
        }

        return Kind == ValueKind.String ? AsString() : ToString();
    }

    /// <summary>The value in expression syntax (strings quoted), with sensitive parts redacted.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder();
        Write(builder);
        return builder.ToString();
    }

    private void Write(StringBuilder builder)
    {
        if (IsSensitive)
        {
            builder.Append("(sensitive)");
            return;
        }

        switch (Kind)
        {
            case ValueKind.Null:
                builder.Append("null");
                break;
            case ValueKind.Bool:
                builder.Append(AsBool() ? "true" : "false");
                break;
            case ValueKind.Number:
                builder.Append(FormatNumber(_number));
                break;
            case ValueKind.String:
                AppendQuoted(builder, AsString());
                break;
            case ValueKind.List:
                builder.Append('[');
                var first = true;
                foreach (var item in AsList())
                {
                    if (!first)
                    {
                        builder.Append(", ");
                    }

                    first = false;
                    item.Write(builder);
                }

                builder.Append(']');
                break;
            case ValueKind.Map:
                builder.Append('{');
                var firstEntry = true;
                foreach (var (key, item) in AsMap())
                {
                    if (!firstEntry)
                    {
                        builder.Append(", ");
                    }

                    firstEntry = false;
                    AppendQuoted(builder, key);
                    builder.Append(": ");
                    item.Write(builder);
                }

                builder.Append('}');
                break;
            case ValueKind.Unknown:
                builder.Append("(known after apply)");
                break;
            default:
                break;
        }
    }

    /// <summary>Appends <paramref name="text"/> as a double-quoted string literal of the language.</summary>
    public static void AppendQuoted(StringBuilder builder, string text)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(text);
        builder.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (char.IsControl(c))
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
    }

    /// <inheritdoc />
    public bool Equals(Value? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || other.Kind != Kind)
        {
            return false;
        }

        return Kind switch
        {
            ValueKind.Null => true,
            ValueKind.Bool or ValueKind.Number => _number.Equals(other._number),
            ValueKind.String => string.Equals(AsString(), other.AsString(), StringComparison.Ordinal),
            ValueKind.List => AsList().AsSpan().SequenceEqual(other.AsList().AsSpan()),
            ValueKind.Map => MapEquals(AsMap(), other.AsMap()),
            ValueKind.Unknown => UnknownType == other.UnknownType,
            _ => false,
        };
    }

    private static bool MapEquals(ImmutableSortedDictionary<string, Value> left, ImmutableSortedDictionary<string, Value> right)
    {
        if (left.Count != right.Count)
        {
            return false;
        }

        foreach (var (key, value) in left)
        {
            if (!right.TryGetValue(key, out var other) || !value.Equals(other))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Value);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Kind);
        switch (Kind)
        {
            case ValueKind.Bool:
            case ValueKind.Number:
                hash.Add(_number);
                break;
            case ValueKind.String:
                hash.Add(AsString(), StringComparer.Ordinal);
                break;
            case ValueKind.List:
                foreach (var item in AsList())
                {
                    hash.Add(item);
                }

                break;
            case ValueKind.Map:
                foreach (var (key, item) in AsMap())
                {
                    hash.Add(key, StringComparer.Ordinal);
                    hash.Add(item);
                }

                break;
            case ValueKind.Unknown:
                hash.Add(UnknownType);
                break;
            default:
                break;
        }

        return hash.ToHashCode();
    }

    /// <summary>Compares contents, ignoring the sensitive mark.</summary>
    public static bool operator ==(Value? left, Value? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Compares contents, ignoring the sensitive mark.</summary>
    public static bool operator !=(Value? left, Value? right) => !(left == right);

    private InvalidOperationException WrongKind(ValueKind expected) =>
        new($"Expected a {expected} value but this value is {Kind}.");
}
