using System.Collections.Immutable;
using Baton.Engine.Providers;
using Baton.Providers;
using Baton.State;

namespace Baton.Engine.Recovery;

/// <summary>
/// Resolves operations a crash interrupted: for each journal intent without a result, asks the provider what the call
/// did — a create by its idempotency key, an update or delete by the object's id — and repairs state to match, in one
/// commit. After this, state holds every object that exists and none twice.
/// </summary>
public static class JournalRecovery
{
    /// <summary>What recovery found.</summary>
    public sealed record Result(int Resolved, ImmutableArray<string> Messages);

    /// <summary>Recovers the stack's pending intents under <paramref name="lease"/>.</summary>
    public static async Task<Result> RecoverAsync(IStateStore store, StackLock lease, ProviderHost providers, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(providers);
        var pending = await store.PendingIntentsAsync(lease.Stack, cancellationToken);
        if (pending.Count == 0)
        {
            return new Result(0, []);
        }

        var state = await store.LoadAsync(lease.Stack, cancellationToken);
        var results = ImmutableArray.CreateBuilder<JournalResult>();
        var upserts = new Dictionary<string, ResourceState>(StringComparer.Ordinal);
        var removals = new HashSet<string>(StringComparer.Ordinal);
        var messages = ImmutableArray.CreateBuilder<string>();
        foreach (var intent in pending)
        {
            var provider = await providers.GetAsync(intent.Provider, cancellationToken);
            var key = intent.DeposedKey is null ? intent.Address : $"{intent.Address}#{intent.DeposedKey}";
            var known = state.Resources.TryGetValue(key, out var recorded) ? recorded : null;
            var read = await provider.ReadAsync(
                new ReadRequest
                {
                    Type = intent.Type,
                    Address = intent.Address,
                    Id = intent.Action == JournalAction.Create ? null : intent.ResourceId,
                    IdempotencyKey = intent.Action == JournalAction.Create ? intent.OperationId : null,
                    Inputs = intent.Inputs,
                    Attributes = intent.Action == JournalAction.Create ? null : known?.Attributes,
                    Recovering = true,
                },
                cancellationToken);
            if (read.Error is { } error)
            {
                throw new InvalidOperationException($"cannot recover the interrupted {intent.Action.ToString().ToLowerInvariant()} of {intent.Address}: {error.Message}; try again when the provider answers");
            }

            switch (intent.Action)
            {
                case JournalAction.Create when read.Exists:
                    upserts[key] = new ResourceState
                    {
                        Address = intent.Address,
                        Type = intent.Type,
                        Provider = intent.Provider,
                        Id = read.Id ?? intent.OperationId,
                        Inputs = intent.Inputs,
                        Attributes = read.Attributes ?? intent.Inputs,
                        Dependencies = intent.Dependencies,
                    };
                    removals.Remove(key);
                    messages.Add($"{intent.Address}: the interrupted create took effect; it is now in state");
                    break;
                case JournalAction.Create:
                    messages.Add($"{intent.Address}: the interrupted create did not take effect");
                    break;
                case JournalAction.Update when read.Exists && known is { } prior:
                    // Whether the update landed is not knowable in general: keep the prior inputs, so the next plan
                    // updates again if the object is not as the stack wants it (updates are idempotent).
                    upserts[key] = prior with { Attributes = read.Attributes ?? prior.Attributes };
                    messages.Add($"{intent.Address}: the interrupted update was reconciled from what exists");
                    break;
                case JournalAction.Update:
                case JournalAction.Delete when !read.Exists:
                    removals.Add(key);
                    upserts.Remove(key);
                    messages.Add($"{intent.Address}: {(intent.Action == JournalAction.Delete ? "the interrupted delete took effect" : "the object is gone")}; removed from state");
                    break;
                case JournalAction.Delete:
                    messages.Add($"{intent.Address}: the interrupted delete did not take effect; it stays in state");
                    break;
                default:
                    break;
            }

            results.Add(new JournalResult(intent.OperationId, JournalOutcome.Recovered));
        }

        await store.CommitAsync(
            new StateChange
            {
                Stack = lease.Stack,
                FencingToken = lease.FencingToken,
                Results = results.ToImmutable(),
                Upserts = [.. upserts.Values],
                Removals = [.. removals.Where(k => state.Resources.ContainsKey(k))],
                Events = [.. messages.Select(m => new StackEvent { Stack = lease.Stack, Kind = "journal.recovered", Message = m, At = time.GetUtcNow() })],
            },
            cancellationToken);
        return new Result(pending.Count, messages.ToImmutable());
    }
}
