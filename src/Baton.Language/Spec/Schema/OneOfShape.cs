using System.Collections.Immutable;

namespace Baton.Spec.Schema;

/// <summary>One of several shapes, told apart by the kind of YAML node (a string, a list or a map).</summary>
public sealed record OneOfShape(ImmutableArray<Shape> Alternatives) : Shape;
