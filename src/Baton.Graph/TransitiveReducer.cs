using System.Collections.Immutable;

namespace Baton.Graph;

/// <summary>
/// Drops every edge v → u for which u is also reachable from another dependency of v.
/// Reachability is kept as bit sets, but only for one block of targets at a time, so memory stays bounded.
/// </summary>
internal static class TransitiveReducer
{
    // Caps the bit-set matrix for one block; at 100,000 nodes this gives blocks of ~2,600 targets.
    private const long MaxBlockBytes = 32L * 1024 * 1024;

    public static AdjacencyLists Reduce(AdjacencyLists dependencies, ImmutableArray<int> order)
    {
        var n = dependencies.NodeCount;
        var offsets = dependencies.Offsets;
        var targets = dependencies.Targets;
        var position = new int[n];
        for (var p = 0; p < n; p++)
        {
            position[order[p]] = p;
        }

        var words = (int)Math.Clamp(MaxBlockBytes / 8 / Math.Max(n, 1), 1, Math.Max((n + 63) / 64, 1));
        var blockSize = words * 64;
        var reach = new ulong[n * words];
        var redundant = new bool[targets.Length];

        // Columns are topological positions. A node only reaches nodes before it in the order, so rows before the
        // block reach nothing inside it and are skipped.
        for (var blockStart = 0; blockStart < n; blockStart += blockSize)
        {
            var blockEnd = Math.Min(n, blockStart + blockSize);
            for (var p = blockStart; p < n; p++)
            {
                var v = order[p];
                var row = reach.AsSpan(p * words, words);
                row.Clear();
                for (var e = offsets[v]; e < offsets[v + 1]; e++)
                {
                    var q = position[targets[e]];
                    if (q >= blockStart)
                    {
                        var other = reach.AsSpan(q * words, words);
                        for (var i = 0; i < words; i++)
                        {
                            row[i] |= other[i];
                        }
                    }
                }

                // row now holds what the dependencies reach, excluding the dependencies themselves.
                for (var e = offsets[v]; e < offsets[v + 1]; e++)
                {
                    var q = position[targets[e]];
                    if (q >= blockStart && q < blockEnd)
                    {
                        var bit = q - blockStart;
                        if ((row[bit >> 6] & (1UL << (bit & 63))) != 0)
                        {
                            redundant[e] = true;
                        }
                    }
                }

                for (var e = offsets[v]; e < offsets[v + 1]; e++)
                {
                    var q = position[targets[e]];
                    if (q >= blockStart && q < blockEnd)
                    {
                        var bit = q - blockStart;
                        row[bit >> 6] |= 1UL << (bit & 63);
                    }
                }
            }
        }

        var newOffsets = new int[n + 1];
        var kept = new List<int>(targets.Length);
        for (var v = 0; v < n; v++)
        {
            newOffsets[v] = kept.Count;
            for (var e = offsets[v]; e < offsets[v + 1]; e++)
            {
                if (!redundant[e])
                {
                    kept.Add(targets[e]);
                }
            }
        }

        newOffsets[n] = kept.Count;
        return new AdjacencyLists(newOffsets, [.. kept]);
    }
}
