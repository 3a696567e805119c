namespace Baton.Spec.Schema;

/// <summary>A map whose keys are chosen by the author (names of resources, variables, …), each value of one shape.</summary>
public sealed record MapShape(Shape Values) : Shape
{
    /// <summary>Whether every key must be a valid name (see <see cref="Addresses.ResourceAddress.IsValidName"/>).</summary>
    public bool KeysAreNames { get; init; } = true;

    /// <summary>What the keys name, for messages: "resource", "variable".</summary>
    public string KeyNoun { get; init; } = "key";

    /// <summary>Whether a key may also be <c>family.alias</c> (provider instances).</summary>
    public bool KeysMayHaveAlias { get; init; }
}
