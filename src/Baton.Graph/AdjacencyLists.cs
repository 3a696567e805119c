namespace Baton.Graph;

/// <summary>
/// Compressed sparse rows: the neighbours of node <c>v</c> are
/// <c>Targets[Offsets[v]..Offsets[v + 1]]</c>, sorted ascending and free of duplicates.
/// One flat array instead of a list per node keeps 100,000-node graphs cheap to build and walk.
/// </summary>
internal sealed class AdjacencyLists
{
    public AdjacencyLists(int[] offsets, int[] targets)
    {
        Offsets = offsets;
        Targets = targets;
    }

    public int[] Offsets { get; }

    public int[] Targets { get; }

    public int NodeCount => Offsets.Length - 1;

    public int EdgeCount => Targets.Length;

    public ReadOnlySpan<int> this[int node] => Targets.AsSpan(Offsets[node], Offsets[node + 1] - Offsets[node]);

    public bool Contains(int from, int to) => this[from].BinarySearch(to) >= 0;

    /// <summary>Builds sorted, de-duplicated rows from raw edge pairs.</summary>
    public static AdjacencyLists FromEdges(int nodeCount, ReadOnlySpan<int> from, ReadOnlySpan<int> to)
    {
        var offsets = new int[nodeCount + 1];
        for (var i = 0; i < from.Length; i++)
        {
            offsets[from[i] + 1]++;
        }

        for (var v = 0; v < nodeCount; v++)
        {
            offsets[v + 1] += offsets[v];
        }

        var targets = new int[from.Length];
        var cursor = new int[nodeCount];
        Array.Copy(offsets, cursor, nodeCount);
        for (var i = 0; i < from.Length; i++)
        {
            targets[cursor[from[i]]++] = to[i];
        }

        // Sort each row, then compact duplicates out in place; rows only ever shrink, so the
        // write position never overtakes the read position.
        var write = 0;
        var rowStart = 0;
        for (var v = 0; v < nodeCount; v++)
        {
            var rowEnd = offsets[v + 1];
            var row = targets.AsSpan(rowStart, rowEnd - rowStart);
            row.Sort();
            offsets[v] = write;
            for (var i = 0; i < row.Length; i++)
            {
                if (i == 0 || row[i] != row[i - 1])
                {
                    targets[write++] = row[i];
                }
            }

            rowStart = rowEnd;
        }

        offsets[nodeCount] = write;
        if (write != targets.Length)
        {
            Array.Resize(ref targets, write);
        }

        return new AdjacencyLists(offsets, targets);
    }

    /// <summary>The same edges pointing the other way; rows come out sorted because sources are visited in ascending order.</summary>
    public AdjacencyLists Reverse()
    {
        var n = NodeCount;
        var offsets = new int[n + 1];
        foreach (var t in Targets)
        {
            offsets[t + 1]++;
        }

        for (var v = 0; v < n; v++)
        {
            offsets[v + 1] += offsets[v];
        }

        var targets = new int[Targets.Length];
        var cursor = new int[n];
        Array.Copy(offsets, cursor, n);
        for (var v = 0; v < n; v++)
        {
            for (var e = Offsets[v]; e < Offsets[v + 1]; e++)
            {
                targets[cursor[Targets[e]]++] = v;
            }
        }

        return new AdjacencyLists(offsets, targets);
    }
}
