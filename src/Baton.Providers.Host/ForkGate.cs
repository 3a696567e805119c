namespace Baton.Providers.Host;

/// <summary>
/// Bounds how many hosts are worked on at once (the <c>forks</c> setting): a host takes a slot when its first
/// operation starts and gives it back when its last one ends, however many operations it runs meanwhile.
/// </summary>
internal sealed class ForkGate(int forks) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(forks, forks);

    /// <summary>How many hosts are being worked on now.</summary>
    public int Busy => forks - _slots.CurrentCount;

    public Task WaitAsync(CancellationToken cancellationToken) => _slots.WaitAsync(cancellationToken);

    public void Release() => _slots.Release();

    public void Dispose() => _slots.Dispose();
}
