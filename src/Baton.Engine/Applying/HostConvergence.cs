using System.Globalization;
using Baton.Binding;
using Baton.Graph;

namespace Baton.Engine.Applying;

/// <summary>
/// Tracks, during one apply, when each host of the inventory has converged — every step of its instances ended, then
/// its delayed notifications ran — and rolls changes out over the groups that set <c>serial</c> or
/// <c>max_fail_percentage</c>: a step of a host in a later batch is held until every host of the earlier batches has
/// converged, and when a group's failure budget is spent, its steps not yet started are left undone. Thread-safe: the
/// apply's workers call it as steps become ready and end.
/// </summary>
/// <remarks>
/// A step that a step of an earlier batch (or of another rollout group) depends on, directly or not, is never held:
/// holding it would wait for what waits for it. Such a step runs as soon as what it depends on has.
/// </remarks>
internal sealed class HostConvergence
{
    private readonly Lock _lock = new();
    private readonly string[] _hosts;
    private readonly Dictionary<string, int> _hostIndex;
    private readonly int[] _hostOfStep;
    private readonly bool[] _exempt;
    private readonly int[] _stepsLeft;
    private readonly bool[] _failed;
    private readonly HostStage[] _stage;
    private readonly int[] _groupOf;
    private readonly int[] _batchOf;
    private readonly Rollout[] _groups;

    private HostConvergence(string[] hosts, Dictionary<string, int> hostIndex, int[] hostOfStep, Rollout[] groups, int[] groupOf, int[] batchOf, bool[] exempt)
    {
        _hosts = hosts;
        _hostIndex = hostIndex;
        _hostOfStep = hostOfStep;
        _groups = groups;
        _groupOf = groupOf;
        _batchOf = batchOf;
        _exempt = exempt;
        _stepsLeft = new int[hosts.Length];
        _failed = new bool[hosts.Length];
        _stage = new HostStage[hosts.Length];
        foreach (var host in hostOfStep)
        {
            if (host >= 0)
            {
                _stepsLeft[host]++;
            }
        }
    }

    /// <summary>The inventory's host names, by index.</summary>
    public IReadOnlyList<string> Hosts => _hosts;

    /// <summary>
    /// Builds the tracker for <paramref name="graph"/>'s steps; <paramref name="hostOfChange"/> gives the host a change
    /// is bound to (null for a change of no host). Null when the inventory has no hosts.
    /// </summary>
    public static HostConvergence? Build(Inventory inventory, StepGraph graph, Func<int, string?> hostOfChange)
    {
        if (inventory.Hosts.IsEmpty)
        {
            return null;
        }

        var hosts = inventory.Hosts.Select(h => h.Name).ToArray();
        var index = hosts.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        var steps = graph.Steps;
        var hostOfStep = new int[steps.Count];
        var byChange = new Dictionary<int, int>();
        for (var s = 0; s < steps.Count; s++)
        {
            var change = steps[s].Change;
            if (!byChange.TryGetValue(change, out var host))
            {
                host = hostOfChange(change) is { } name && index.TryGetValue(name, out var found) ? found : -1;
                byChange[change] = host;
            }

            hostOfStep[s] = host;
        }

        var groups = new List<Rollout>();
        var groupOf = Enumerable.Repeat(-1, hosts.Length).ToArray();
        var batchOf = new int[hosts.Length];
        foreach (var name in inventory.RolloutOrder)
        {
            var members = inventory.Groups[name].Where(h => inventory.RolloutGroupOf(h) == name).Select(h => index[h]).ToArray();
            var settings = inventory.Rollouts[name];
            var size = settings.BatchSize(members.Length);
            var batches = members.Chunk(size).ToArray();
            for (var b = 0; b < batches.Length; b++)
            {
                foreach (var host in batches[b])
                {
                    groupOf[host] = groups.Count;
                    batchOf[host] = b;
                }
            }

            groups.Add(new Rollout(name, settings, members.Length, batches));
        }

        return new HostConvergence(hosts, index, hostOfStep, [.. groups], groupOf, batchOf, Exempt(graph.Graph, hostOfStep, groupOf, batchOf));
    }

    /// <summary>The steps that a step of an earlier batch of their group, or of another rollout group, depends on (see the remarks).</summary>
    private static bool[] Exempt<T>(DependencyGraph<T> graph, int[] hostOfStep, int[] groupOf, int[] batchOf)
    {
        var exempt = new bool[hostOfStep.Length];
        var seen = new int[hostOfStep.Length];
        var stack = new Stack<int>();
        for (var s = 0; s < hostOfStep.Length; s++)
        {
            // A step of a first batch is never held.
            if (hostOfStep[s] < 0 || groupOf[hostOfStep[s]] < 0 || batchOf[hostOfStep[s]] == 0)
            {
                continue;
            }

            var (group, batch) = (groupOf[hostOfStep[s]], batchOf[hostOfStep[s]]);
            stack.Clear();
            stack.Push(s);
            seen[s] = s + 1;
            while (stack.Count > 0 && !exempt[s])
            {
                foreach (var next in graph.Dependents(stack.Pop()))
                {
                    if (seen[next] == s + 1)
                    {
                        continue;
                    }

                    seen[next] = s + 1;
                    var host = hostOfStep[next];
                    if (host >= 0 && groupOf[host] >= 0 && (groupOf[host] != group || batchOf[host] < batch))
                    {
                        exempt[s] = true;
                        break;
                    }

                    stack.Push(next);
                }
            }
        }

        return exempt;
    }

    /// <summary>
    /// The hosts to run delayed notifications for before anything runs: those with no step whose batch is open (they
    /// may have notifications queued by an interrupted apply).
    /// </summary>
    public Progress Start()
    {
        lock (_lock)
        {
            var notify = new List<int>();
            for (var host = 0; host < _hosts.Length; host++)
            {
                if (_stepsLeft[host] == 0 && IsOpen(host))
                {
                    _stage[host] = HostStage.Notifying;
                    notify.Add(host);
                }
            }

            return new Progress([], notify, null);
        }
    }

    /// <summary>Whether <paramref name="step"/>, now ready, may run: false holds it until its batch opens (it is then released).</summary>
    public bool Admit(int step)
    {
        lock (_lock)
        {
            var host = _hostOfStep[step];
            if (host < 0 || _groupOf[host] < 0 || _exempt[step] || IsOpen(host))
            {
                return true;
            }

            var group = _groups[_groupOf[host]];
            if (group.Halted is not null)
            {
                return true;
            }

            group.Held.Add(step);
            return false;
        }
    }

    /// <summary>Why <paramref name="step"/> must not start: its group's rollout was stopped; null when it may.</summary>
    public string? Halted(int step)
    {
        lock (_lock)
        {
            var host = _hostOfStep[step];
            return host >= 0 && _groupOf[host] >= 0 ? _groups[_groupOf[host]].Halted : null;
        }
    }

    /// <summary>Why the delayed notifications of host <paramref name="host"/> must not run, or null.</summary>
    public string? Blocked(string host)
    {
        lock (_lock)
        {
            return _hostIndex.TryGetValue(host, out var index) && _groupOf[index] >= 0 && _stage[index] != HostStage.Converged ? _groups[_groupOf[index]].Halted : null;
        }
    }

    /// <summary>Notes that <paramref name="step"/> ended (failed or not); returns what that lets go on.</summary>
    public Progress StepFinished(int step, bool failed)
    {
        lock (_lock)
        {
            var host = _hostOfStep[step];
            if (host < 0)
            {
                return Progress.None;
            }

            var released = new List<int>();
            var halted = failed ? Fail(host, released) : null;
            var notify = new List<int>();
            if (--_stepsLeft[host] == 0 && _stage[host] == HostStage.Working && IsOpen(host))
            {
                _stage[host] = HostStage.Notifying;
                notify.Add(host);
            }

            return new Progress(released, notify, halted);
        }
    }

    /// <summary>Notes that host <paramref name="host"/>'s delayed notifications ran (one failed, or not): it has converged.</summary>
    public Progress HostNotified(int host, bool failed)
    {
        lock (_lock)
        {
            var released = new List<int>();
            var notify = new List<int>();
            var halted = failed ? Fail(host, released) : null;
            _stage[host] = HostStage.Converged;
            if (_groupOf[host] < 0)
            {
                return new Progress(released, notify, halted);
            }

            var group = _groups[_groupOf[host]];
            group.Left[_batchOf[host]]--;
            while (group.Open < group.Batches.Length && group.Left[group.Open] == 0)
            {
                var batch = group.Batches[group.Open];
                if (group.Halted is null && group.Settings.MaxFailPercentage is null && batch.Length > 0 && batch.All(h => _failed[h]))
                {
                    halted = Halt(group, $"every host of its batch {(group.Open + 1).ToString(CultureInfo.InvariantCulture)} failed", released);
                }

                group.Open++;
                if (group.Halted is not null || group.Open == group.Batches.Length)
                {
                    break;
                }

                foreach (var next in group.Batches[group.Open].Where(h => _stepsLeft[h] == 0 && _stage[h] == HostStage.Working))
                {
                    _stage[next] = HostStage.Notifying;
                    notify.Add(next);
                }

                var open = group.Held.Where(s => _batchOf[_hostOfStep[s]] <= group.Open).ToList();
                group.Held.RemoveAll(open.Contains);
                released.AddRange(open);
            }

            return new Progress(released, notify, halted);
        }
    }

    private bool IsOpen(int host) => _groupOf[host] < 0 || _batchOf[host] <= _groups[_groupOf[host]].Open;

    /// <summary>Counts <paramref name="host"/> failed once; stops its group when that spends the failure budget.</summary>
    private string? Fail(int host, List<int> released)
    {
        if (_failed[host])
        {
            return null;
        }

        _failed[host] = true;
        if (_groupOf[host] < 0)
        {
            return null;
        }

        var group = _groups[_groupOf[host]];
        group.Failed++;
        return group.Halted is null && group.Settings.BudgetSpent(group.Failed, group.Size)
            ? Halt(group, $"{group.Failed.ToString(CultureInfo.InvariantCulture)} of its {group.Size.ToString(CultureInfo.InvariantCulture)} hosts failed, more than max_fail_percentage {group.Settings.MaxFailPercentage!.Value.ToString(CultureInfo.InvariantCulture)}", released)
            : null;
    }

    private static string Halt(Rollout group, string why, List<int> released)
    {
        group.Halted = $"not started: the rollout over host group \"{group.Name}\" ({group.Settings}) stopped: {why}";
        released.AddRange(group.Held);
        group.Held.Clear();
        return group.Halted;
    }

    /// <summary>What a call lets go on: steps released to run, hosts whose delayed notifications are due, and the reason a rollout just stopped.</summary>
    public sealed record Progress(IReadOnlyList<int> Released, IReadOnlyList<int> Notify, string? HaltedNow)
    {
        /// <summary>Nothing.</summary>
        public static Progress None { get; } = new([], [], null);
    }

    private enum HostStage
    {
        Working,
        Notifying,
        Converged,
    }

    private sealed class Rollout(string name, HostRollout settings, int size, int[][] batches)
    {
        public string Name => name;

        public HostRollout Settings => settings;

        public int Size => size;

        public int[][] Batches => batches;

        public int[] Left { get; } = [.. batches.Select(b => b.Length)];

        public List<int> Held { get; } = [];

        public int Open { get; set; }

        public int Failed { get; set; }

        public string? Halted { get; set; }
    }
}
