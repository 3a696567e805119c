using System.Collections.Immutable;

namespace Baton.Spec.Schema;

/// <summary>A single value.</summary>
public sealed record ScalarShape(ScalarKind Kind) : Shape
{
    /// <summary>Whether a <c>${…}</c> expression may stand in for the literal value.</summary>
    public bool AllowsExpression { get; init; }

    /// <summary>The only values allowed, when the set is closed.</summary>
    public ImmutableArray<string> Enum { get; init; } = [];
}
