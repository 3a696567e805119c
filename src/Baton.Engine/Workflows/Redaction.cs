using Baton.Values;

namespace Baton.Engine.Workflows;

/// <summary>
/// Keeps secrets out of error text: an action's error may quote what it was given (a command's stderr echoing an
/// argument, a server message repeating a password), so every sensitive string among a step's inputs is replaced by
/// <c>(sensitive)</c> in the error before it is recorded, shown or sent anywhere.
/// </summary>
internal static class Redaction
{
    public static StepOutcome Scrub(StepOutcome outcome, Value inputs) =>
        outcome.Error is { } error && inputs.ContainsSensitive ? outcome with { Error = SensitiveText.Scrub(error, inputs) } : outcome;
}
