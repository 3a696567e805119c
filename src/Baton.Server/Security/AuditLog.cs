using Baton.Access;

namespace Baton.Server.Security;

/// <summary>
/// Writes audit rows to the access store, passing refused anonymous requests through an <see cref="AuditThrottle"/>
/// (per source, <see cref="DefaultLimit"/> rows a minute and a summary of the rest). The control plane flushes ended
/// windows every minute and all of them when it stops.
/// </summary>
internal sealed class AuditLog(IAccessStore store, TimeProvider time) : IDisposable
{
    /// <summary>Rows a source's refused anonymous requests may write per minute.</summary>
    public const int DefaultLimit = 30;

    /// <summary>Sources tracked one by one.</summary>
    public const int DefaultMaxSources = 1024;

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The throttle for refused anonymous requests.</summary>
    public AuditThrottle Throttle { get; } = new(DefaultLimit, TimeSpan.FromMinutes(1), DefaultMaxSources);

    /// <summary>The clock the rows are stamped with.</summary>
    public TimeProvider Time { get; } = time;

    /// <summary>Writes <paramref name="record"/>; through the throttle when <paramref name="anonymousRefusal"/>.</summary>
    public async Task WriteAsync(AuditRecord record, bool anonymousRefusal)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!anonymousRefusal)
        {
            await store.AppendAuditAsync(record, CancellationToken.None);
            return;
        }

        IReadOnlyList<AuditRecord> rows;
        await _gate.WaitAsync();
        try
        {
            rows = Throttle.Admit(record);
        }
        finally
        {
            _gate.Release();
        }

        foreach (var row in rows)
        {
            await store.AppendAuditAsync(row, CancellationToken.None);
        }
    }

    /// <summary>Writes the summaries of ended windows (of all windows when <paramref name="all"/>).</summary>
    public async Task FlushAsync(bool all)
    {
        IReadOnlyList<AuditRecord> rows;
        await _gate.WaitAsync();
        try
        {
            rows = Throttle.Flush(Time.GetUtcNow(), all);
        }
        finally
        {
            _gate.Release();
        }

        foreach (var row in rows)
        {
            await store.AppendAuditAsync(row, CancellationToken.None);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();
}
