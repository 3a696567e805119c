using System.Collections.Immutable;

namespace Baton.Spec.Schema;

/// <summary>A map with a fixed set of known keys.</summary>
public sealed record ObjectShape(ImmutableArray<FieldShape> Fields) : Shape
{
    /// <summary>The field named <paramref name="name"/>, if there is one.</summary>
    public FieldShape? Field(string name)
    {
        foreach (var field in Fields)
        {
            if (string.Equals(field.Name, name, StringComparison.Ordinal))
            {
                return field;
            }
        }

        return null;
    }
}
