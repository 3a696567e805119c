using System.Collections.Immutable;

namespace Baton.Drawing.Layout;

/// <summary>The chain of bars that decided when a run finished, for <see cref="TimelineSvgWriter"/>.</summary>
public static class TimelineCriticalPath
{
    /// <summary>
    /// Starts at the bar that ended last and walks back, each time to the dependency that finished last before the
    /// current bar started: the wait that actually held it up. When recorded times disagree and no dependency
    /// finished before the start, the dependency that finished last is taken. Ties go to the bar listed first.
    /// </summary>
    /// <param name="bars">The bars, with unique ids.</param>
    /// <returns>The ids on the path in execution order, each a dependency of the next; empty when there are no bars.</returns>
    /// <exception cref="ArgumentException">Two bars share an id, or a bar ends before it starts.</exception>
    public static ImmutableArray<string> Find(IReadOnlyList<TimelineBar> bars)
    {
        ArgumentNullException.ThrowIfNull(bars);
        var index = Index(bars);
        if (bars.Count == 0)
        {
            return [];
        }

        var current = 0;
        for (var i = 1; i < bars.Count; i++)
        {
            if (bars[i].End > bars[current].End)
            {
                current = i;
            }
        }

        var visited = new HashSet<int> { current };
        var path = new List<string> { bars[current].Id };
        while (true)
        {
            var bar = bars[current];
            var before = -1;
            var any = -1;
            foreach (var id in bar.Dependencies.IsDefault ? [] : bar.Dependencies)
            {
                if (id is null || !index.TryGetValue(id, out var d) || visited.Contains(d))
                {
                    continue;
                }

                if (Later(bars, d, any))
                {
                    any = d;
                }

                if (bars[d].End <= bar.Start && Later(bars, d, before))
                {
                    before = d;
                }
            }

            var next = before >= 0 ? before : any;
            if (next < 0)
            {
                break;
            }

            visited.Add(next);
            path.Add(bars[next].Id);
            current = next;
        }

        path.Reverse();
        return [.. path];
    }

    /// <summary>Maps ids to positions, checking the bars on the way.</summary>
    internal static Dictionary<string, int> Index(IReadOnlyList<TimelineBar> bars)
    {
        var index = new Dictionary<string, int>(bars.Count, StringComparer.Ordinal);
        for (var i = 0; i < bars.Count; i++)
        {
            var bar = bars[i] ?? throw new ArgumentException($"Bar {i} is null.", nameof(bars));
            ArgumentNullException.ThrowIfNull(bar.Id, nameof(bars));
            if (!index.TryAdd(bar.Id, i))
            {
                throw new ArgumentException($"Two bars have the id '{bar.Id}'.", nameof(bars));
            }

            if (bar.End < bar.Start)
            {
                throw new ArgumentException($"Bar '{bar.Id}' ends at {bar.End} before it starts at {bar.Start}.", nameof(bars));
            }
        }

        return index;
    }

    private static bool Later(IReadOnlyList<TimelineBar> bars, int candidate, int best) =>
        best < 0 || bars[candidate].End > bars[best].End || (bars[candidate].End == bars[best].End && candidate < best);
}
