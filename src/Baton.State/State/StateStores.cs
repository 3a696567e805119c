using Baton.Access;
using Baton.Runs;

namespace Baton.State;

/// <summary>
/// Every store of one opened state, each behind its own contract, sharing one database: what opening a state
/// returns, so a caller that needs several concerns gets them together and hands each consumer only the contract it
/// uses. Disposing the bundle closes the database; the stores must not be used after that.
/// </summary>
/// <param name="state">The state and journal.</param>
/// <param name="locks">The stack locks.</param>
/// <param name="applies">The apply history.</param>
/// <param name="events">The event log.</param>
/// <param name="runs">The workflow runs.</param>
/// <param name="access">The API tokens and the audit log.</param>
/// <param name="database">What the stores share, closed when the bundle is disposed.</param>
public sealed class StateStores(
    IStateStore state, ILockStore locks, IApplyHistory applies, IEventLog events, IRunStore runs, IAccessStore access, IAsyncDisposable database) : IAsyncDisposable
{
    private readonly IAsyncDisposable _database = database ?? throw new ArgumentNullException(nameof(database));

    /// <summary>The state and journal.</summary>
    public IStateStore State { get; } = state ?? throw new ArgumentNullException(nameof(state));

    /// <summary>The stack locks.</summary>
    public ILockStore Locks { get; } = locks ?? throw new ArgumentNullException(nameof(locks));

    /// <summary>The apply history.</summary>
    public IApplyHistory Applies { get; } = applies ?? throw new ArgumentNullException(nameof(applies));

    /// <summary>The event log.</summary>
    public IEventLog Events { get; } = events ?? throw new ArgumentNullException(nameof(events));

    /// <summary>The workflow runs.</summary>
    public IRunStore Runs { get; } = runs ?? throw new ArgumentNullException(nameof(runs));

    /// <summary>The API tokens, the audit log and accepted webhook deliveries.</summary>
    public IAccessStore Access { get; } = access ?? throw new ArgumentNullException(nameof(access));

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
