using Baton.Addresses;
using Baton.Diagnostics;
using Baton.Graph;
using Baton.Spec.Declarations;
using Baton.Values;

namespace Baton.Binding;

/// <summary>Builds the graph of resource instances from the dependency edges, and reports every cycle with each resource on it in order.</summary>
internal static class GraphBinder
{
    public static (DependencyGraph<ResourceInstance> Graph, bool IsAcyclic) Build(
        IReadOnlyList<ResourceSpec> resources,
        IReadOnlyDictionary<string, ResourceExpansion> expansions,
        IReadOnlyList<DependencyEdge> edges,
        DiagnosticBag diagnostics)
    {
        var builder = new DependencyGraphBuilder<ResourceInstance>(resources.Count, edges.Count);
        var instances = new Dictionary<string, List<(InstanceKey? Key, int Node)>>(StringComparer.Ordinal);
        foreach (var resource in resources)
        {
            var list = new List<(InstanceKey?, int)>();
            instances[resource.Name] = list;
            var expansion = expansions.GetValueOrDefault(resource.Name) ?? ResourceExpansion.Single;
            switch (expansion.Mode)
            {
                case ExpansionMode.Count when expansion.Count is { } count:
                    for (var i = 0; i < count; i++)
                    {
                        var key = InstanceKey.Of(i);
                        list.Add((key, builder.AddNode(new ResourceInstance { Address = new ResourceAddress(resource.Name, key), Resource = resource, EachValue = Value.Number(i) })));
                    }

                    break;
                case ExpansionMode.ForEach when expansion.Each is { } each:
                    foreach (var (name, value) in each)
                    {
                        var key = InstanceKey.Of(name);
                        list.Add((key, builder.AddNode(new ResourceInstance { Address = new ResourceAddress(resource.Name, key), Resource = resource, EachValue = value })));
                    }

                    break;
                case ExpansionMode.Single:
                    list.Add((null, builder.AddNode(new ResourceInstance { Address = new ResourceAddress(resource.Name), Resource = resource })));
                    break;
                default:
                    // count/for_each unknown: reported already; the resource has no instances to order.
                    break;
            }
        }

        var firstSpan = new Dictionary<(string, string), SourceSpan>();
        foreach (var edge in edges)
        {
            firstSpan.TryAdd((edge.From, edge.To), edge.Span);
            if (!instances.TryGetValue(edge.From, out var from) || !instances.TryGetValue(edge.To, out var to))
            {
                continue;
            }

            foreach (var (_, fromNode) in from)
            {
                foreach (var (toKey, toNode) in to)
                {
                    if (edge.Key is null || edge.Key.Equals(toKey))
                    {
                        builder.AddEdge(fromNode, toNode);
                    }
                }
            }
        }

        var graph = builder.Build();
        var cycles = graph.FindCycles();
        if (cycles.Length == 0)
        {
            return (graph, true);
        }

        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var cycle in cycles)
        {
            ReportCycle(graph, cycle, firstSpan, reported, diagnostics);
        }

        return (graph, false);
    }

    private static void ReportCycle(
        DependencyGraph<ResourceInstance> graph,
        DependencyCycle cycle,
        Dictionary<(string, string), SourceSpan> spans,
        HashSet<string> reported,
        DiagnosticBag diagnostics)
    {
        // Instances of one resource in a row are one step of the cycle at the resource level.
        var resources = new List<ResourceSpec>();
        foreach (var node in cycle.Path)
        {
            var resource = graph[node].Resource;
            if (resources.Count == 0 || resources[^1].Name != resource.Name)
            {
                resources.Add(resource);
            }
        }

        if (resources.Count > 1 && resources[0].Name == resources[^1].Name)
        {
            resources.RemoveAt(resources.Count - 1);
        }

        // Start at the resource declared first, so the same cycle always reads the same way.
        var start = resources.IndexOf(resources.MinBy(r => (r.NameSpan.File, r.NameSpan.Start.Line, r.NameSpan.Start.Column))!);
        resources = [.. resources.Skip(start), .. resources.Take(start)];
        var names = resources.Select(r => r.Name).ToList();
        if (!reported.Add(string.Join("\u0000", names)))
        {
            return;
        }

        var chain = string.Join(" → ", names.Append(names[0]));
        var diagnostic = Diagnostic.Error(
            DiagnosticCodes.DependencyCycle,
            resources.Count == 1 ? $"resource \"{names[0]}\" depends on itself" : $"dependency cycle: {chain}",
            resources[0].NameSpan,
            "break the cycle by removing one of these references or depends_on entries");
        for (var i = 0; i < resources.Count; i++)
        {
            var from = resources[i];
            var to = resources[(i + 1) % resources.Count];
            var span = spans.GetValueOrDefault((from.Name, to.Name)) ?? from.NameSpan;
            diagnostic = diagnostic.WithNote($"\"{from.Name}\" (line {from.NameSpan.Start.Line}) depends on \"{to.Name}\" here", span);
        }

        diagnostics.Add(diagnostic);
    }
}
