using System.Collections.Immutable;
using Baton.Binding;
using Baton.Diagnostics;
using Baton.Engine.Providers;
using Baton.Providers;
using Baton.State;
using Baton.Values;

namespace Baton.Engine.Planning;

/// <summary>
/// Gathers the facts of every host the stack's instances run on (<c>hosts:</c>) before a plan, all hosts at once,
/// through the action <c>FAMILY.facts</c> of the provider instance the host's resources use: one command per host.
/// Without refresh only the hosts with no facts in state are asked. A host that cannot be asked keeps the facts in
/// state (or none), with a warning; its resources fail on their own when the apply reaches them.
/// </summary>
public static class FactsGatherer
{
    /// <summary>The hosts the stack's instances run on, each with the provider instance of the first of them.</summary>
    public static IReadOnlyList<(string Host, string Provider)> HostsOf(BoundStack stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        if (stack.Inventory.Hosts.IsEmpty)
        {
            // No host, no instance with hosts: nothing to walk (the usual stack, planned on every command).
            return [];
        }

        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        var order = new List<(string, string)>();
        foreach (var instance in stack.Graph.Nodes)
        {
            if (!instance.Resource.Hosts.IsEmpty && instance.Address.Key?.Text is { } host && seen.TryAdd(host, ProviderHost.InstanceFor(instance.Resource)))
            {
                order.Add((host, seen[host]));
            }
        }

        return order;
    }

    /// <summary><paramref name="state"/> with the facts of the stack's hosts gathered now, and a warning for each host that could not be asked.</summary>
    public static async Task<(StackState State, ImmutableArray<Diagnostic> Diagnostics)> GatherAsync(
        BoundStack stack, ProviderHost providers, StackState state, bool refresh, TimeProvider time, CancellationToken cancellationToken)
    {
        var hosts = HostsOf(stack).Where(h => refresh || !state.Facts.ContainsKey(h.Host)).ToList();
        if (hosts.Count == 0)
        {
            return (state, []);
        }

        var results = await Task.WhenAll(hosts.Select(h => AskAsync(h.Host, h.Provider, providers, time, cancellationToken)));
        var facts = state.Facts.SetItems(results.Where(r => r.Record is not null).Select(r => KeyValuePair.Create(r.Record!.Host, r.Record)));
        var warnings = hosts.Zip(results).Where(p => p.Second.Error is not null).Select(p => Warning(p.First.Host, p.Second.Error!, state));
        return (state with { Facts = facts }, [.. warnings]);
    }

    /// <summary>
    /// Asks the provider instance <paramref name="instance"/> for the facts of <paramref name="host"/>: the record, or
    /// why there is none (null for both when the provider gathers no facts or is unavailable, which planning reports).
    /// </summary>
    public static async Task<(HostFactsRecord? Record, string? Error)> AskAsync(
        string host, string instance, ProviderHost providers, TimeProvider time, CancellationToken cancellationToken)
    {
        IProvider provider;
        try
        {
            provider = await providers.GetAsync(instance, cancellationToken);
        }
        catch (ProviderUnavailableException)
        {
            return (null, null);
        }

        var action = provider.Schema.Family + ".facts";
        if (!provider.Schema.Actions.Any(a => a.Name == action))
        {
            return (null, null);
        }

        var result = await provider.InvokeAsync(
            new InvokeRequest { Action = action, Inputs = Value.Map([new("host", Value.String(host))]), IdempotencyKey = $"facts:{host}:{Guid.CreateVersion7():N}" },
            cancellationToken);
        if (result.Error is null && result.Outputs is { Kind: ValueKind.Map } outputs && outputs.AsMap().TryGetValue("facts", out var facts) && facts.Kind == ValueKind.Map)
        {
            return (new HostFactsRecord { Host = host, Facts = facts, GatheredAt = time.GetUtcNow() }, null);
        }

        return (null, result.Error?.Message ?? "the provider returned no facts");
    }

    /// <summary>
    /// Asks every host of the stack's inventory for its facts at once (<c>baton hosts</c>), each through the provider
    /// instance its resources use, or the family's default instance <c>host</c> when none does: per host, the facts
    /// or why it did not answer. <paramref name="diagnostics"/> gets what kept a provider from starting.
    /// </summary>
    public static async Task<IReadOnlyList<(string Host, HostFactsRecord? Record, string? Error)>> ProbeAsync(
        BoundStack stack, ProviderHost providers, TimeProvider time, DiagnosticBag diagnostics, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(providers);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var used = HostsOf(stack).ToDictionary(h => h.Host, h => h.Provider, StringComparer.Ordinal);
        var hosts = stack.Inventory.Hosts.Select(h => (h.Name, Provider: used.GetValueOrDefault(h.Name, "host"))).ToList();
        diagnostics.AddRange(await providers.StartAsync(hosts.Select(h => h.Provider).Distinct(StringComparer.Ordinal), cancellationToken));
        if (diagnostics.HasErrors)
        {
            return [];
        }

        var answers = await Task.WhenAll(hosts.Select(h => AskAsync(h.Name, h.Provider, providers, time, cancellationToken)));
        return [.. hosts.Zip(answers, (h, a) => (h.Name, a.Record, a.Error))];
    }

    private static Diagnostic Warning(string host, string why, StackState state)
    {
        var fallback = state.Facts.TryGetValue(host, out var cached)
            ? $"host.facts are those gathered at {cached.GatheredAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z"
            : "host.facts are unknown until it answers";
        return Diagnostic.Warning(DiagnosticCodes.FactsUnavailable, $"host {host}: cannot gather its facts: {why}; {fallback}") with { Subject = host };
    }
}
