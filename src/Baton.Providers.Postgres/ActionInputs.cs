using System.Collections.Immutable;
using Baton.Values;

namespace Baton.Providers.Postgres;

/// <summary>Reads and checks an action's inputs; a problem is collected, and all of them fail the action together.</summary>
internal static class ActionInputs
{
    public static string? RequiredText(ImmutableSortedDictionary<string, Value> inputs, string name, List<string> errors)
    {
        if (MapValues.Known(inputs, name) is not { } value)
        {
            errors.Add($"{name} is required");
            return null;
        }

        if (value.Kind != ValueKind.String || value.AsString().Length == 0)
        {
            errors.Add($"{name} must be a non-empty string");
            return null;
        }

        return value.AsString();
    }

    /// <summary>A required database or role name.</summary>
    public static string? Name(ImmutableSortedDictionary<string, Value> inputs, string name, List<string> errors)
    {
        var text = RequiredText(inputs, name, errors);
        if (text is not null && SqlText.IdentifierProblem(text) is { } problem)
        {
            errors.Add($"{name} {problem}");
            return null;
        }

        return text;
    }

    public static string Fail(List<string> errors, string error)
    {
        errors.Add(error);
        return string.Empty;
    }

    public static InvokeResult Failure(string action, IEnumerable<string> errors) =>
        new() { Error = ProviderError.Permanent($"{action}: {string.Join("; ", errors)}") };
}
