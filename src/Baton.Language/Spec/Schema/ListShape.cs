namespace Baton.Spec.Schema;

/// <summary>A list of items of one shape.</summary>
public sealed record ListShape(Shape Items) : Shape
{
    /// <summary>Whether a <c>${…}</c> expression may stand in for the whole list.</summary>
    public bool AllowsExpression { get; init; }
}
