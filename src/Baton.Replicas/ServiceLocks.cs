using System.Collections.Concurrent;

namespace Baton.Replicas;

/// <summary>
/// One lock per service id, so a create, update, delete or action of a service never runs while another one of the same
/// service does (the engine never does that; a workflow's restart action may).
/// </summary>
public sealed class ServiceLocks : IDisposable
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    /// <summary>Waits for the lock of <paramref name="id"/>; dispose the answer to release it.</summary>
    public async Task<IDisposable> AcquireAsync(string id, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Release(gate);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var gate in _locks.Values)
        {
            gate.Dispose();
        }
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
