namespace Baton.Spec.Schema;

/// <summary>A named field of an <see cref="ObjectShape"/>.</summary>
public sealed record FieldShape(string Name, Shape Shape, bool Required = false);
