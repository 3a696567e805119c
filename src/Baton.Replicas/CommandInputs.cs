using System.Collections.Immutable;
using Baton.Values;

namespace Baton.Replicas;

/// <summary>Reads the inputs that say what a replica runs: an argument list (never a shell string) and an environment.</summary>
public static class CommandInputs
{
    /// <summary>
    /// Reads the argument list <paramref name="value"/> (the input <paramref name="name"/>); empty when it is left out,
    /// not known yet or wrong, with the errors saying what is wrong.
    /// </summary>
    public static ImmutableArray<string> ReadArgv(Value? value, string name, bool required, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        switch (value)
        {
            case null or { Kind: ValueKind.Null }:
                if (required)
                {
                    errors.Add($"{name} is required");
                }

                return [];
            case { Kind: ValueKind.String }:
                errors.Add($"{name} must be an argument list, not a shell string");
                return [];
            case { Kind: ValueKind.List } list:
                var items = list.AsList();
                if (items.IsEmpty)
                {
                    errors.Add($"{name} must not be empty");
                    return [];
                }

                if (!items.All(i => i.IsKnown))
                {
                    return [];
                }

                if (items.Any(i => i.Kind != ValueKind.String))
                {
                    errors.Add($"{name} must be a list of strings");
                    return [];
                }

                ImmutableArray<string> argv = [.. items.Select(i => i.AsString())];
                if (argv[0].Length == 0)
                {
                    errors.Add($"{name}'s first item (the program) must not be empty");
                }

                return argv;
            case { IsKnown: true }:
                errors.Add($"{name} must be an argument list");
                return [];
            default:
                return [];
        }
    }

    /// <summary>Reads an environment map; numbers and booleans become their text, unknown values are left out.</summary>
    public static ImmutableSortedDictionary<string, string> ReadEnv(Value? value, string name, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (value is not { IsKnown: true } || value.Kind == ValueKind.Null)
        {
            return ImmutableSortedDictionary<string, string>.Empty;
        }

        if (value.Kind != ValueKind.Map)
        {
            errors.Add($"{name} must be a map of strings");
            return ImmutableSortedDictionary<string, string>.Empty;
        }

        var builder = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var (key, item) in value.AsMap())
        {
            switch (item.Kind)
            {
                case ValueKind.String:
                    builder[key] = item.AsString();
                    break;
                case ValueKind.Number:
                    builder[key] = Value.FormatNumber(item.AsNumber());
                    break;
                case ValueKind.Bool:
                    builder[key] = item.AsBool() ? "true" : "false";
                    break;
                case ValueKind.Unknown:
                    break;
                default:
                    errors.Add($"{name}.{key} must be a string");
                    break;
            }
        }

        return builder.ToImmutable();
    }
}
