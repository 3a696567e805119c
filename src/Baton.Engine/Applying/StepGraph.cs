using System.Collections.Immutable;
using Baton.Graph;
using Baton.Plans;
using Baton.State;

namespace Baton.Engine.Applying;

/// <summary>
/// The steps of an apply and the order between them. A replacement is two steps — delete the old object, create the
/// new one — so each can be ordered on its own, as Terraform orders destroy and create nodes:
/// <list type="bullet">
/// <item>a step that makes an object (create, update, create-new) follows the makers of what it depends on;</item>
/// <item>a replacement deletes first and creates second, or, with create_before_destroy, the other way round;</item>
/// <item>a step that deletes an object follows the deletes of the objects that depended on it (so a directory is
/// emptied before it goes), and, for an object that leaves the stack, the changes that drop their references;</item>
/// <item>with create_before_destroy, the old object goes only after its dependents moved to the new one.</item>
/// </list>
/// </summary>
internal sealed class StepGraph
{
    private StepGraph(DependencyGraph<(int Change, StepKind Kind)> graph, int[] stepsPerChange)
    {
        Graph = graph;
        StepsPerChange = stepsPerChange;
    }

    /// <summary>The steps (the change each belongs to, and which part of it) and the order between them.</summary>
    public DependencyGraph<(int Change, StepKind Kind)> Graph { get; }

    public IReadOnlyList<(int Change, StepKind Kind)> Steps => Graph.Nodes;

    public int[] StepsPerChange { get; }

    /// <summary>How many steps each step waits for, before any ran: a new array the apply counts down.</summary>
    public int[] Waiting()
    {
        var waiting = new int[Graph.NodeCount];
        for (var s = 0; s < waiting.Length; s++)
        {
            waiting[s] = Graph.Dependencies(s).Length;
        }

        return waiting;
    }

    public static StepGraph Build(ImmutableArray<ResourceChange> changes, StackState state)
    {
        var steps = new List<(int Change, StepKind Kind)>(changes.Length);
        var stepsPerChange = new int[changes.Length];
        var makers = new Dictionary<string, int>(StringComparer.Ordinal);
        var deleters = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var replaceSteps = new Dictionary<int, (int Delete, int Create)>();
        for (var i = 0; i < changes.Length; i++)
        {
            var change = changes[i];
            if (change.Action == ChangeAction.Replace)
            {
                var delete = Add(steps, i, StepKind.DeleteOld);
                var create = Add(steps, i, StepKind.CreateNew);
                replaceSteps[i] = (delete, create);
                makers[change.Address] = create;
                Deleter(deleters, change.Address).Add(delete);
                stepsPerChange[i] = 2;
                continue;
            }

            var step = Add(steps, i, StepKind.Whole);
            stepsPerChange[i] = 1;
            if (change.Action == ChangeAction.Delete)
            {
                Deleter(deleters, change.Address).Add(step);
            }
            else
            {
                makers[change.Address] = step;
            }
        }

        var builder = new DependencyGraphBuilder<(int Change, StepKind Kind)>(steps.Count, steps.Count * 2);
        foreach (var step in steps)
        {
            builder.AddNode(step);
        }

        void Edge(int before, int after)
        {
            if (before != after)
            {
                builder.AddEdge(after, before);
            }
        }

        ImmutableArray<string> PriorDependencies(ResourceChange change) =>
            change.Action == ChangeAction.Delete
                ? change.Dependencies
                : state.Resources.TryGetValue(change.Address, out var prior) ? prior.Dependencies : [];

        for (var s = 0; s < steps.Count; s++)
        {
            var (i, kind) = steps[s];
            var change = changes[i];
            var makes = kind == StepKind.CreateNew || (kind == StepKind.Whole && change.Action != ChangeAction.Delete);
            if (makes)
            {
                foreach (var dependency in change.Dependencies)
                {
                    if (makers.TryGetValue(dependency, out var before))
                    {
                        Edge(before, s);
                    }
                }
            }
        }

        for (var s = 0; s < steps.Count; s++)
        {
            var (i, kind) = steps[s];
            var change = changes[i];
            var deletes = kind == StepKind.DeleteOld || (kind == StepKind.Whole && change.Action == ChangeAction.Delete);
            if (deletes)
            {
                // This object depended on others: their deletes wait for this one.
                foreach (var dependency in PriorDependencies(change))
                {
                    if (deleters.TryGetValue(dependency, out var list))
                    {
                        foreach (var delete in list)
                        {
                            Edge(s, delete);
                        }
                    }
                }
            }
            else
            {
                // This change drops or keeps references: an object that leaves the stack for good waits for it.
                foreach (var dependency in PriorDependencies(change).Concat(change.Dependencies).Distinct())
                {
                    if (deleters.TryGetValue(dependency, out var list) && !makers.ContainsKey(dependency))
                    {
                        foreach (var delete in list)
                        {
                            Edge(s, delete);
                        }
                    }
                }
            }
        }

        foreach (var (i, (delete, create)) in replaceSteps)
        {
            var change = changes[i];
            if (change.CreateBeforeDestroy)
            {
                Edge(create, delete);

                // Dependents move to the new object before the old one goes.
                for (var s = 0; s < steps.Count; s++)
                {
                    var (j, kind) = steps[s];
                    var other = changes[j];
                    if (j != i && other.Action != ChangeAction.Delete && kind != StepKind.DeleteOld && other.Dependencies.Contains(change.Address))
                    {
                        Edge(s, delete);
                    }
                }
            }
            else
            {
                Edge(delete, create);
            }
        }

        return new StepGraph(builder.Build(), stepsPerChange);
    }

    private static int Add(List<(int, StepKind)> steps, int change, StepKind kind)
    {
        steps.Add((change, kind));
        return steps.Count - 1;
    }

    private static List<int> Deleter(Dictionary<string, List<int>> deleters, string address)
    {
        if (!deleters.TryGetValue(address, out var list))
        {
            deleters[address] = list = [];
        }

        return list;
    }
}
