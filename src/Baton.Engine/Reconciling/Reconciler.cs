using System.Collections.Immutable;
using Baton.Diagnostics;
using Baton.Engine.Planning;
using Baton.Engine.Retrying;
using Baton.Engine.Workflows;
using Baton.Plans;
using Baton.Providers;
using Baton.Spec.Declarations;
using Baton.State;
using Baton.Values;

namespace Baton.Engine.Reconciling;

/// <summary>
/// Keeps a served stack right between applies. The health pass refreshes only the resources that run replicas (those
/// whose state has <c>replicas_state</c>: process and container services), reports a replica that died, is gone, or
/// failed its health check <see cref="ReconcileSpec.UnhealthyThreshold"/> times in a row, and heals a dead or gone one
/// by an ordinary targeted plan and apply under the stack lock, with crash-loop backoff (1 s doubling to 5 min while
/// it keeps dying within a minute of being healed). The drift pass refreshes everything and reports resources that no longer match
/// their state (a difference the stack's files did not cause), and corrects them by a targeted apply when the stack
/// says <c>drift: correct</c>. Every finding goes to <paramref name="report"/>; an apply also writes the usual events.
/// </summary>
/// <param name="open">Opens a session on the stack as served now (the caller's to dispose).</param>
/// <param name="report">Receives each finding.</param>
/// <param name="time">The clock.</param>
public sealed class Reconciler(Func<StackSession> open, Action<ReconcileFinding> report, TimeProvider time)
{
    // Crash-loop backoff between heals of one resource: 1 s, doubling, at most 5 minutes, without jitter.
    private static readonly RetryPolicy HealBackoff = new(int.MaxValue, TimeSpan.FromSeconds(1), 2, TimeSpan.FromMinutes(5));
    private static readonly TimeSpan StableAfter = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(2);

    private readonly Dictionary<string, int> _failedChecks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HealWait> _backoff = new(StringComparer.Ordinal);
    private ImmutableSortedSet<string> _reportedDrift = [];
    private ImmutableDictionary<string, ResourceHealth> _health = ImmutableDictionary<string, ResourceHealth>.Empty;
    private readonly Dictionary<string, string> _unreadable = new(StringComparer.Ordinal);

    /// <summary>The resources the last drift pass found drifted (and not corrected since).</summary>
    public IReadOnlySet<string> Drifted => _reportedDrift;

    /// <summary>What the last health pass saw of each resource that runs replicas, by address.</summary>
    public IReadOnlyDictionary<string, ResourceHealth> Health => _health;

    /// <summary>One health pass; returns the addresses it healed.</summary>
    public async Task<IReadOnlyList<string>> CheckHealthAsync(ReconcileSpec settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        await using var session = open();
        var state = await session.Store.LoadAsync(session.Name, cancellationToken);
        var compute = state.Resources.Where(r => r.Value.DeposedKey is null && ReplicasOf(r.Value.Attributes).Length > 0).ToImmutableSortedDictionary();
        if (compute.IsEmpty)
        {
            return [];
        }

        var refreshed = await Refresher.RefreshAsync(state with { Resources = compute }, session.Providers, 8, cancellationToken);
        NoteUnreadable(refreshed.Diagnostics, compute.Values.Select(r => r.Address));
        var dead = new List<string>();
        var failing = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        foreach (var resource in compute.Values)
        {
            if (refreshed.Gone.Contains(resource.Address))
            {
                _health = _health.SetItem(resource.Address, new ResourceHealth(0, 0, 0, time.GetUtcNow()));
                report(new ReconcileFinding(WorkflowTriggers.ResourceUnhealthy, $"{resource.Address} is gone", resource.Address));
                dead.Add(resource.Address);
                continue;
            }

            var now = refreshed.State.Resources.TryGetValue(resource.Key, out var current) ? current : resource;
            var replicas = ReplicasOf(now.Attributes);

            // A replica the state records that the read no longer finds at all (a container removed outside baton,
            // where a killed process still shows as not alive) is as dead as one that exited.
            var present = replicas.Select(Index).ToHashSet(StringComparer.Ordinal);
            var vanished = ReplicasOf(resource.Attributes).Select(Index).Distinct(StringComparer.Ordinal).Where(i => !present.Contains(i)).ToList();
            _health = _health.SetItem(resource.Address, new ResourceHealth(
                replicas.Length + vanished.Count,
                replicas.Count(r => Flag(r, "alive") == true),
                replicas.Count(r => Flag(r, "alive") == true && Flag(r, "healthy") != false),
                time.GetUtcNow()));
            var died = replicas.Where(r => Flag(r, "alive") == false).Select(Index).ToList();
            if (died.Count > 0)
            {
                report(new ReconcileFinding(WorkflowTriggers.ResourceUnhealthy, $"{resource.Address}: replica {string.Join(", ", died)} {(died.Count == 1 ? "is" : "are")} not running", resource.Address));
            }

            if (vanished.Count > 0)
            {
                report(new ReconcileFinding(WorkflowTriggers.ResourceUnhealthy, $"{resource.Address}: replica {string.Join(", ", vanished)} {(vanished.Count == 1 ? "is" : "are")} gone", resource.Address));
            }

            if (died.Count > 0 || vanished.Count > 0)
            {
                dead.Add(resource.Address);
            }

            foreach (var replica in replicas.Where(r => Flag(r, "alive") == true))
            {
                var key = $"{resource.Address}#{Index(replica)}";
                if (Flag(replica, "healthy") != false)
                {
                    _failedChecks.Remove(key);
                    continue;
                }

                var failed = _failedChecks[key] = _failedChecks.GetValueOrDefault(key) + 1;
                if (failed == settings.UnhealthyThreshold)
                {
                    report(new ReconcileFinding(WorkflowTriggers.ResourceUnhealthy, $"{resource.Address}: replica {Index(replica)} failed its health check {failed} times in a row", resource.Address));
                }

                if (failed >= settings.UnhealthyThreshold && int.TryParse(Index(replica), System.Globalization.CultureInfo.InvariantCulture, out var index))
                {
                    (failing.TryGetValue(resource.Address, out var list) ? list : failing[resource.Address] = []).Add(index);
                }
            }
        }

        if (!settings.Heal || (dead.Count == 0 && failing.Count == 0))
        {
            return [];
        }

        var replaced = new List<string>();
        foreach (var (address, indexes) in failing.Where(f => !dead.Contains(f.Key)))
        {
            if (!InBackoff(address) && await ReplaceAsync(session, compute.Values.First(r => r.Address == address), indexes, cancellationToken))
            {
                replaced.Add(address);
                foreach (var index in indexes)
                {
                    _failedChecks.Remove($"{address}#{index}");
                }
            }
        }

        NoteHealed(replaced);
        var due = new List<string>();
        foreach (var address in dead)
        {
            var backoff = _backoff.GetValueOrDefault(address);
            if (backoff is not null && InBackoff(address))
            {
                report(new ReconcileFinding("heal.backoff", $"{address} keeps dying: the next heal waits until {backoff.NotBefore:HH:mm:ss} UTC (crash-loop backoff {Text.Durations.Format(backoff.Delay)})", address));
                continue;
            }

            due.Add(address);
        }

        if (due.Count == 0)
        {
            return replaced;
        }

        var merged = state with { Resources = state.Resources.SetItems(refreshed.State.Resources).RemoveRange(compute.Keys.Where(k => !refreshed.State.Resources.ContainsKey(k))) };
        var healed = await ApplyTargetedAsync(session, merged, due, Phases.Heal, cancellationToken);
        NoteHealed(healed);
        return [.. healed, .. replaced];
    }

    /// <summary>
    /// A provider that cannot be reached (a database down, an endpoint refusing) is reported once when a resource
    /// cannot be read and once when it can be again, not at every pass; meanwhile the passes go on from state.
    /// </summary>
    private void NoteUnreadable(ImmutableArray<Diagnostic> diagnostics, IEnumerable<string> checkedAddresses)
    {
        var failing = diagnostics.Where(d => d.Code == DiagnosticCodes.ProviderFailed && d.Subject is not null).GroupBy(d => d.Subject!).ToDictionary(g => g.Key, g => g.First().Message, StringComparer.Ordinal);
        foreach (var (address, message) in failing)
        {
            if (_unreadable.TryAdd(address, message))
            {
                report(new ReconcileFinding("refresh.failed", message, address));
            }
        }

        foreach (var address in checkedAddresses.Where(a => _unreadable.ContainsKey(a) && !failing.ContainsKey(a)).ToList())
        {
            _unreadable.Remove(address);
            report(new ReconcileFinding("refresh.recovered", $"{address} can be read again", address));
        }
    }

    private bool InBackoff(string address) => _backoff.GetValueOrDefault(address) is { } backoff && time.GetUtcNow() < backoff.NotBefore;

    private void NoteHealed(IEnumerable<string> addresses)
    {
        foreach (var address in addresses)
        {
            var previous = _backoff.GetValueOrDefault(address);
            var now = time.GetUtcNow();
            var heal = previous is not null && now - previous.HealedAt < StableAfter + previous.Delay ? previous.Heal + 1 : 1;
            var delay = HealBackoff.Ceiling(heal);
            _backoff[address] = new HealWait(now, heal, delay, now + delay);
        }
    }

    /// <summary>
    /// Replaces live replicas that keep failing their health check through the provider's restart action when it can
    /// restart chosen replicas (<c>FAMILY.restart</c> with a <c>replicas</c> input), under the stack lock so no apply
    /// runs meanwhile. A provider without one leaves them reported only.
    /// </summary>
    private async Task<bool> ReplaceAsync(StackSession session, ResourceState resource, List<int> indexes, CancellationToken cancellationToken)
    {
        var family = resource.Type.Split('.')[0];
        var provider = await session.Providers.GetAsync(resource.Provider, cancellationToken);
        var action = provider.Schema.Actions.FirstOrDefault(a => a.Name == family + ".restart" && a.Inputs.Any(i => i.Name == "replicas"));
        if (action is null)
        {
            return false;
        }

        LockHolder holder;
        try
        {
            holder = await session.LockAsync("heal (reconciler)", LockWait, cancellationToken);
        }
        catch (LockUnavailableException ex)
        {
            report(new ReconcileFinding("heal.deferred", $"replacing {resource.Address} replica {string.Join(", ", indexes)} waits: {ex.Message}", resource.Address));
            return false;
        }

        await using (holder)
        {
            var what = $"{resource.Address}: replacing unhealthy replica {string.Join(", ", indexes)}";
            report(new ReconcileFinding("heal.started", what, resource.Address));
            var result = await provider.InvokeAsync(
                new InvokeRequest
                {
                    Action = action.Name,
                    Inputs = Value.Map([new("service", Value.String(resource.Id)), new("replicas", Value.List(indexes.Select(i => Value.Number(i))))]),
                    IdempotencyKey = $"heal:{resource.Address}:{time.GetUtcNow().UtcTicks}",
                },
                cancellationToken);
            if (result.Error is { } error)
            {
                report(new ReconcileFinding("heal.failed", $"{what} failed: {error.Message}", resource.Address));
                return false;
            }

            // The replicas' new processes are recorded in state, as an apply would, so outputs stay true.
            var read = await provider.ReadAsync(
                new ReadRequest { Type = resource.Type, Address = resource.Address, Id = resource.Id, Inputs = resource.Inputs, Attributes = resource.Attributes },
                cancellationToken);
            if (read.Error is null && read.Exists && read.Attributes is { } attributes)
            {
                await session.Store.CommitAsync(
                    new StateChange
                    {
                        Stack = session.Name,
                        FencingToken = holder.Lock.FencingToken,
                        Upserts = [resource with { Attributes = attributes }],
                        Events = [new StackEvent { Stack = session.Name, Kind = "resource.replaced_replicas", Address = resource.Address, Message = what, At = time.GetUtcNow() }],
                    },
                    cancellationToken);
            }

            report(new ReconcileFinding("heal.finished", $"{what}: done", resource.Address));
            return true;
        }
    }

    /// <summary>One drift pass; returns the drifted addresses.</summary>
    public async Task<IReadOnlyList<string>> CheckDriftAsync(ReconcileSpec settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        await using var session = open();
        var state = await session.Store.LoadAsync(session.Name, cancellationToken);
        if (state.Resources.IsEmpty)
        {
            return [];
        }

        var refreshed = await Refresher.RefreshAsync(state, session.Providers, 8, cancellationToken);
        NoteUnreadable(refreshed.Diagnostics, state.Resources.Values.Select(r => r.Address));
        var diagnostics = new DiagnosticBag();
        var plan = await session.PlanFromAsync(refreshed.State, new PlanOptions(), diagnostics, cancellationToken);
        if (diagnostics.HasErrors)
        {
            report(new ReconcileFinding("drift.check_failed", "the drift check could not plan: " + string.Join("; ", diagnostics.Where(d => d.IsError).Select(d => d.Message))));
            return [];
        }

        var drifted = plan.Changes
            .Where(c => c.Action != ChangeAction.NoOp && IsDrift(c, state, refreshed.Gone))
            .Select(c => c.Address)
            .ToImmutableSortedSet(StringComparer.Ordinal);
        if (drifted.IsEmpty)
        {
            _reportedDrift = [];
            return [];
        }

        if (!drifted.SetEquals(_reportedDrift))
        {
            foreach (var address in drifted.Except(_reportedDrift))
            {
                report(new ReconcileFinding(WorkflowTriggers.ResourceDrifted, $"{address} no longer matches its state{(refreshed.Gone.Contains(address) ? " (it is gone)" : "")}", address));
            }

            report(new ReconcileFinding("drift.detected", $"{drifted.Count} resource(s) drifted: {string.Join(", ", drifted)}{(settings.CorrectDrift ? "; correcting" : "; reporting only (drift: report)")}"));
            _reportedDrift = drifted;
        }

        if (settings.CorrectDrift)
        {
            var corrected = await ApplyTargetedAsync(session, refreshed.State, [.. drifted], Phases.DriftCorrection, cancellationToken);
            if (corrected.Count > 0)
            {
                _reportedDrift = _reportedDrift.Except(corrected);
            }
        }

        return [.. drifted];
    }

    // A change is drift when the stack's files ask for what the state records (the inputs are unchanged) yet the
    // plan differs: the real resource moved. A change of inputs is an edit waiting for baton apply, not drift.
    private static bool IsDrift(ResourceChange change, StackState stored, ImmutableArray<string> gone)
    {
        var recorded = stored.Resources.Values.FirstOrDefault(r => r.Address == change.Address && r.DeposedKey is null);
        if (recorded is null || change.DeposedKey is not null)
        {
            return false;
        }

        return gone.Contains(change.Address) || (change.Inputs is { } inputs && inputs.Equals(recorded.Inputs));
    }

    private async Task<IReadOnlyList<string>> ApplyTargetedAsync(StackSession session, StackState refreshed, IReadOnlyList<string> targets, Phases phases, CancellationToken cancellationToken)
    {
        LockHolder holder;
        try
        {
            holder = await session.LockAsync(phases.Why + " (reconciler)", LockWait, cancellationToken);
        }
        catch (LockUnavailableException ex)
        {
            report(new ReconcileFinding(phases.Deferred, $"{phases.Why} of {string.Join(", ", targets)} waits: {ex.Message}"));
            return [];
        }

        await using (holder)
        {
            await session.RecoverAsync(holder, cancellationToken);
            var stored = await session.Store.LoadAsync(session.Name, cancellationToken);
            // Plan against what the refresh saw, but on the state as it is now under the lock (its serial included).
            var current = stored with { Resources = stored.Resources.SetItems(refreshed.Resources.Where(r => targets.Contains(r.Value.Address) && stored.Resources.ContainsKey(r.Key))) };
            foreach (var address in targets.Where(a => !refreshed.Resources.Values.Any(r => r.Address == a)))
            {
                current = current with { Resources = current.Resources.RemoveRange(current.Resources.Where(r => r.Value.Address == address).Select(r => r.Key)) };
            }

            var (_, result) = await session.PlanAndApplyAsync(
                holder,
                current,
                new PlanOptions { Targets = targets.ToHashSet(StringComparer.Ordinal) },
                new DiagnosticBag(),
                plan => report(new ReconcileFinding(phases.Started, $"{phases.Why}: {PlanRenderer.Summary(plan)} ({string.Join(", ", targets)})")),
                cancellationToken);
            if (result is null)
            {
                return [];
            }

            report(new ReconcileFinding(result.Succeeded ? phases.Finished : phases.Failed, $"{phases.Why} {(result.Succeeded ? "done" : "failed")}: {StackSession.Summary(result)}"));
            return result.Succeeded ? targets : [];
        }
    }

    private static ImmutableArray<Value> ReplicasOf(Value attributes) =>
        attributes.Kind == ValueKind.Map && attributes.AsMap().TryGetValue("replicas_state", out var list) && list.Kind == ValueKind.List ? list.AsList() : [];

    private static bool? Flag(Value replica, string name) =>
        replica.Kind == ValueKind.Map && replica.AsMap().TryGetValue(name, out var flag) && flag.Kind == ValueKind.Bool ? flag.AsBool() : null;

    private static string Index(Value replica) =>
        replica.Kind == ValueKind.Map && replica.AsMap().TryGetValue("index", out var index) ? index.ToDisplayString() : "?";

    private sealed record HealWait(DateTimeOffset HealedAt, int Heal, TimeSpan Delay, DateTimeOffset NotBefore);

    /// <summary>The event kinds of one kind of automatic apply.</summary>
    private sealed record Phases(string Why, string Deferred, string Started, string Finished, string Failed)
    {
        public static Phases Heal { get; } = new("heal", "heal.deferred", "heal.started", "heal.finished", "heal.failed");

        public static Phases DriftCorrection { get; } = new("drift correction", "drift.deferred", "drift.correcting", "drift.corrected", "drift.correction_failed");
    }
}
