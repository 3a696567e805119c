using System.Collections.Immutable;

namespace Baton.Expressions;

/// <summary><c>{ key = value, "k2": value, (expr) = value }</c>.</summary>
/// <param name="Entries">The entries in source order; a key given twice keeps the last value.</param>
public sealed record MapExpression(ImmutableArray<MapEntry> Entries) : Expression;
