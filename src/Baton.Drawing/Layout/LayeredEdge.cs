namespace Baton.Drawing.Layout;

/// <summary>
/// A graph edge inside a <see cref="ProperLayering"/>: the dummy vertices that carry it through intermediate
/// layers, top to bottom, and which slot of its end vertices' neighbour lists it fills.
/// </summary>
internal readonly record struct LayeredEdge(int Dependent, int Dependency, int[] Chain, int DownSlot, int UpSlot);
