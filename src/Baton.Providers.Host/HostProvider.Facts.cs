using System.Collections.Concurrent;
using Baton.Values;

namespace Baton.Providers.Host;

/// <summary>
/// The <c>host.facts</c> action: what a host is (<see cref="HostFacts"/>), gathered in one round trip and kept for a
/// short while, so the engine's gathering before a plan, and the templates rendered in the same run, cost one
/// command per host.
/// </summary>
internal sealed partial class HostProvider
{
    /// <summary>How long gathered facts are reused before they are gathered again.</summary>
    private static readonly TimeSpan FactsLifetime = TimeSpan.FromMinutes(2);

    // One gathering per host at a time: AddOrUpdate may run a factory more than once when callers race, so each
    // entry holds a Lazy that only the stored one ever starts.
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, Lazy<Task<Value>> Facts)> _facts = new(StringComparer.Ordinal);

    /// <summary>The facts of <paramref name="host"/>, gathered now or less than <see cref="FactsLifetime"/> ago.</summary>
    internal async Task<Value> FactsAsync(InventoryHost host, CancellationToken cancellationToken)
    {
        var now = options.Time.GetUtcNow();
        (DateTimeOffset, Lazy<Task<Value>>) Fresh() => (now, new Lazy<Task<Value>>(() => GatherAsync(host, cancellationToken)));
        var entry = _facts.AddOrUpdate(
            host.Name,
            _ => Fresh(),
            (_, old) => now - old.At < FactsLifetime && !old.Facts.Value.IsFaulted && !old.Facts.Value.IsCanceled ? old : Fresh());
        try
        {
            return await entry.Facts.Value.ConfigureAwait(false);
        }
        catch
        {
            _facts.TryRemove(new KeyValuePair<string, (DateTimeOffset, Lazy<Task<Value>>)>(host.Name, entry));
            throw;
        }
    }

    /// <summary>The facts of <paramref name="host"/> gathered in this run, or null when none are (yet).</summary>
    private Value? GatheredFacts(InventoryHost host) =>
        _facts.TryGetValue(host.Name, out var entry) && entry.Facts.IsValueCreated && entry.Facts.Value.IsCompletedSuccessfully ? entry.Facts.Value.Result : null;

    private async Task<Value> GatherAsync(InventoryHost host, CancellationToken cancellationToken)
    {
        var result = await RunAsync(host, ["/bin/sh", "-c", HostFacts.Script], cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new RemoteHostException(Failed("host.facts", host, "gathering facts", result));
        }

        return HostFacts.Parse(result.Stdout);
    }

    private async Task<InvokeResult> FactsActionAsync(InventoryHost host, CancellationToken cancellationToken)
    {
        var facts = await FactsAsync(host, cancellationToken).ConfigureAwait(false);
        return new InvokeResult { Outputs = Value.Map([new("facts", facts)]) };
    }
}
