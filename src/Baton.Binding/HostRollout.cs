using System.Globalization;

namespace Baton.Binding;

/// <summary>
/// How apply rolls a change out over a host group (<c>serial</c> and <c>max_fail_percentage</c>): hosts in batches,
/// each batch converged (its changes and its delayed notifications) before the next starts, and a failure budget that
/// stops the group when spent.
/// </summary>
public sealed record HostRollout
{
    /// <summary>The batch size as a count of hosts; null when given as a percentage or not at all.</summary>
    public int? SerialCount { get; init; }

    /// <summary>The batch size as a percentage of the group's hosts (1 to 100); null when given as a count or not at all.</summary>
    public int? SerialPercent { get; init; }

    /// <summary>
    /// The most hosts of the group that may fail, as a percentage of its hosts, before the group's remaining changes
    /// are not started; null when not given: then the group stops only when every host of a batch failed.
    /// </summary>
    public double? MaxFailPercentage { get; init; }

    /// <summary>How many hosts of a group of <paramref name="hosts"/> one batch holds: at least one, all without <c>serial</c>.</summary>
    public int BatchSize(int hosts)
    {
        if (SerialCount is { } count)
        {
            return Math.Clamp(count, 1, Math.Max(1, hosts));
        }

        if (SerialPercent is { } percent)
        {
            // As Ansible rounds a percentage: down, but never to nothing.
            return Math.Clamp(hosts * percent / 100, 1, Math.Max(1, hosts));
        }

        return Math.Max(1, hosts);
    }

    /// <summary>Whether <paramref name="failed"/> failed hosts of <paramref name="hosts"/> spend the budget.</summary>
    public bool BudgetSpent(int failed, int hosts) =>
        MaxFailPercentage is { } max && hosts > 0 && failed * 100.0 / hosts > max;

    /// <summary>The settings as written, for messages: <c>serial 2, max_fail_percentage 25</c>.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        if (SerialCount is { } count)
        {
            parts.Add("serial " + count.ToString(CultureInfo.InvariantCulture));
        }
        else if (SerialPercent is { } percent)
        {
            parts.Add("serial " + percent.ToString(CultureInfo.InvariantCulture) + "%");
        }

        if (MaxFailPercentage is { } max)
        {
            parts.Add("max_fail_percentage " + max.ToString(CultureInfo.InvariantCulture));
        }

        return string.Join(", ", parts);
    }
}
