using Baton.Values;

namespace Baton.Engine.Workflows;

/// <summary>
/// Keeps secrets out of error text: an action's error may quote what it was given (a command's stderr echoing an
/// argument, a server message repeating a password), so every sensitive string among a step's inputs is replaced by
/// <c>(sensitive)</c> in the error before it is recorded, shown or sent anywhere.
/// </summary>
internal static class Redaction
{
    private const int ShortestSecret = 3;

    public static StepOutcome Scrub(StepOutcome outcome, Value inputs)
    {
        if (outcome.Error is not { } error || !inputs.ContainsSensitive)
        {
            return outcome;
        }

        var secrets = new List<string>();
        Collect(inputs, false, secrets);
        foreach (var secret in secrets.Where(s => s.Length >= ShortestSecret).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length))
        {
            error = error.Replace(secret, "(sensitive)", StringComparison.Ordinal);
        }

        return outcome with { Error = error };
    }

    private static void Collect(Value value, bool sensitive, List<string> secrets)
    {
        sensitive |= value.IsSensitive;
        switch (value.Kind)
        {
            case ValueKind.String when sensitive:
                secrets.Add(value.AsString());
                break;
            case ValueKind.Number when sensitive:
                secrets.Add(value.ToDisplayString());
                break;
            case ValueKind.List:
                foreach (var item in value.AsList())
                {
                    Collect(item, sensitive, secrets);
                }

                break;
            case ValueKind.Map:
                foreach (var item in value.AsMap().Values)
                {
                    Collect(item, sensitive, secrets);
                }

                break;
        }
    }
}
