namespace Baton.Spec.Schema;

/// <summary>
/// The shape of a part of the stack file. One tree of shapes (<see cref="StackFileShape"/>) is the single source of
/// truth for both the structural check of stack files and the published JSON Schema.
/// </summary>
public abstract record Shape
{
    /// <summary>What this part means, for the JSON Schema and editor tooltips.</summary>
    public string? Description { get; init; }
}
