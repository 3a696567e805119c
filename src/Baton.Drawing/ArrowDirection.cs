namespace Baton.Drawing;

/// <summary>Which end of a dependency edge a drawn arrow points at.</summary>
public enum ArrowDirection
{
    /// <summary>From the dependent to its dependency, as the graph stores it and as <c>terraform graph</c> draws it.</summary>
    ToDependency,

    /// <summary>From the dependency to its dependent: the order in which work flows.</summary>
    ToDependent,
}
