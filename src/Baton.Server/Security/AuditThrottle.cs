using System.Globalization;
using Baton.Access;

namespace Baton.Server.Security;

/// <summary>
/// Bounds the audit rows that refused anonymous requests can make, so a flood cannot fill the store: each source
/// (client address) gets <see cref="Limit"/> rows per <see cref="Window"/>; the rest of its refusals in that window
/// are counted and written as one summary row (outcome <c>suppressed</c>) when the window ends. At most
/// <see cref="MaxSources"/> sources are tracked one by one; beyond that, new sources share one allowance. Requests by
/// a known token, and every write, are never throttled. Not thread-safe on its own: <see cref="AuditLog"/> serialises calls.
/// </summary>
internal sealed class AuditThrottle(int limit, TimeSpan window, int maxSources)
{
    /// <summary>The source name shared by sources beyond <see cref="MaxSources"/>.</summary>
    public const string OtherSources = "(other sources)";

    private readonly Dictionary<string, Allowance> _sources = new(StringComparer.Ordinal);

    /// <summary>Rows each source may write per window.</summary>
    public int Limit { get; } = limit;

    /// <summary>The length of a window.</summary>
    public TimeSpan Window { get; } = window;

    /// <summary>How many sources are tracked one by one.</summary>
    public int MaxSources { get; } = maxSources;

    /// <summary>How many sources are tracked now.</summary>
    public int Tracked => _sources.Count;

    /// <summary>
    /// The rows to write for <paramref name="refused"/>, a refused anonymous request that ended at its
    /// <see cref="AuditRecord.At"/>: itself while its source is under the limit, nothing once over, and before either
    /// the summary of the source's previous window if that one ended with refusals left out.
    /// </summary>
    public IReadOnlyList<AuditRecord> Admit(AuditRecord refused)
    {
        ArgumentNullException.ThrowIfNull(refused);
        var source = refused.Remote ?? "(unknown)";
        if (!_sources.ContainsKey(source) && _sources.Count >= MaxSources)
        {
            source = OtherSources;
        }

        var rows = new List<AuditRecord>(2);
        if (_sources.TryGetValue(source, out var allowance) && refused.At >= allowance.Start + Window)
        {
            if (Summary(source, allowance, allowance.Start + Window) is { } summary)
            {
                rows.Add(summary);
            }

            allowance = null;
        }

        allowance ??= _sources[source] = new Allowance(refused.At);
        if (allowance.Written < Limit)
        {
            allowance.Written++;
            rows.Add(refused);
        }
        else
        {
            allowance.Suppressed++;
            allowance.LastStatus = refused.Status;
        }

        return rows;
    }

    /// <summary>
    /// The summaries of the windows that ended by <paramref name="now"/> (all of them when <paramref name="all"/>, at
    /// shutdown), forgetting those sources.
    /// </summary>
    public IReadOnlyList<AuditRecord> Flush(DateTimeOffset now, bool all)
    {
        var rows = new List<AuditRecord>();
        foreach (var (source, allowance) in _sources.Where(s => all || now >= s.Value.Start + Window).ToList())
        {
            _sources.Remove(source);
            if (Summary(source, allowance, all ? Min(now, allowance.Start + Window) : allowance.Start + Window) is { } summary)
            {
                rows.Add(summary);
            }
        }

        return rows;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static AuditRecord? Summary(string source, Allowance allowance, DateTimeOffset end) => allowance.Suppressed == 0
        ? null
        : new AuditRecord
        {
            At = end,
            Actor = "anonymous",
            Action = string.Create(
                CultureInfo.InvariantCulture,
                $"{allowance.Suppressed} more refused requests, not logged one by one, from {allowance.Start:yyyy-MM-ddTHH:mm:ssZ} to {end:yyyy-MM-ddTHH:mm:ssZ}"),
            Status = allowance.LastStatus,
            Outcome = "suppressed",
            Remote = source == OtherSources ? null : source,
        };

    private sealed class Allowance(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; } = start;

        public int Written { get; set; }

        public int Suppressed { get; set; }

        public int LastStatus { get; set; }
    }
}
