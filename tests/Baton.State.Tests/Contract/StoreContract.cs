using Baton.Values;
using Microsoft.Extensions.Time.Testing;

namespace Baton.State.Tests.Contract;

/// <summary>
/// What the contracts of a stack's state (<see cref="IStateStore"/>, <see cref="ILockStore"/>,
/// <see cref="IApplyHistory"/>, <see cref="IEventLog"/>) share in their tests: a store derives a test class from each
/// and opens its stores on one database per test, so every <see cref="CreateStoresAsync(TimeProvider)"/> call in a
/// test sees the same data, as separate processes sharing the state would. The tests of one contract use the others
/// where they must (a fenced write needs a lock).
/// </summary>
public abstract class StoreContract
{
    protected static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    protected static CancellationToken Token => CancellationToken.None;

    /// <summary>Opens the stores on this test's database, with <paramref name="time"/> as their clock.</summary>
    protected abstract Task<StateStores> CreateStoresAsync(TimeProvider time);

    /// <summary>Opens the stores on this test's database with the system clock.</summary>
    protected Task<StateStores> CreateStoresAsync() => CreateStoresAsync(TimeProvider.System);

    protected static FakeTimeProvider NewClock() => new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));

    protected static async Task<StackLock> LockAsync(ILockStore locks, string stack = "app", string owner = "alice")
    {
        var attempt = await locks.AcquireLockAsync(stack, owner, "apply", Lease, TimeSpan.Zero, Token);
        Assert.True(attempt.Acquired, $"lock on {stack} held by {attempt.Holder?.Owner}");
        return attempt.Lock!;
    }

    protected static ResourceState Resource(string address, string id = "id-1", Value? inputs = null, string? deposedKey = null) => new()
    {
        Address = address,
        Type = "sim.resource",
        Provider = "sim",
        Id = id,
        Inputs = inputs ?? Value.Map([new("input", Value.String(address))]),
        Attributes = Value.Map([new("id", Value.String(id)), new("output", Value.Number(42))]),
        Dependencies = ["a.b", "c[0]"],
        DeposedKey = deposedKey,
        Status = deposedKey is null ? ResourceStatus.Ready : ResourceStatus.Deposed,
    };

    protected static JournalIntent Intent(string operationId, string address = "web", string stack = "app", DateTimeOffset? at = null) => new()
    {
        OperationId = operationId,
        Stack = stack,
        Address = address,
        Type = "sim.resource",
        Provider = "sim",
        Action = JournalAction.Create,
        Inputs = Value.Map([new("password", Value.String("hunter2").AsSensitive()), new("size", Value.Number(3))]),
        Dependencies = ["db"],
        ApplyId = "apply-1",
        At = at ?? new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero),
    };

    protected static ApplyRecord Apply(string id, DateTimeOffset at) => new()
    {
        Id = id,
        Stack = "app",
        Kind = ApplyKind.Apply,
        Owner = "alice@host:1",
        StartedAt = at,
        SerialBefore = 0,
    };
}
