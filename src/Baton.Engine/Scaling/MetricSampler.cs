using System.Globalization;
using Baton.Metrics;
using Baton.Values;

namespace Baton.Engine.Scaling;

/// <summary>
/// Reads an autoscaled service's metric per replica: CPU from <c>/proc/PID/stat</c> of its main process and every
/// process under it (percent of one core, averaged over the replicas), requests per second from nginx's <c>stub_status</c> (divided by the replicas), or a series
/// from each replica's Prometheus endpoint (a gauge's value, or a counter's rate, summed and divided by the
/// replicas). Rates need two readings, so the first call after a start (or a change of replicas) gives null.
/// </summary>
internal sealed class MetricSampler(string metric, string? source, string? query, string path, HttpClient http, TimeProvider time)
{
    private const int MaxMetricsText = 4 * 1024 * 1024;

    /// <summary>How many processes under a replica's main process its CPU reading sums.</summary>
    private const int MaxDescendants = 1024;

    private readonly Dictionary<string, CpuSample> _cpu = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CounterSample> _counters = new(StringComparer.Ordinal);

    /// <summary>The metric per replica now, or null when it cannot be read yet (with why).</summary>
    public async Task<(double? Value, string? Problem)> SampleAsync(Value attributes, int replicas, CancellationToken cancellationToken)
    {
        if (replicas <= 0)
        {
            return (0, null);
        }

        return metric switch
        {
            "cpu" => Cpu(attributes),
            "rps" => await RequestsAsync(replicas, cancellationToken),
            "prometheus" => await PrometheusAsync(attributes, replicas, cancellationToken),
            _ => (null, $"unknown metric \"{metric}\""),
        };
    }

    private (double?, string?) Cpu(Value attributes)
    {
        var now = time.GetUtcNow();
        var fractions = new List<double>();
        foreach (var pid in List(attributes, "pids"))
        {
            if (ReadStat(pid) is not { } times)
            {
                continue;
            }

            // A replica is its main process and everything under it: an init that forwards signals (a container's),
            // a shell that waits, a server's worker processes.
            var ticks = times.TotalTicks + Descendants(pid).Sum(child => ReadStat(child)?.TotalTicks ?? 0);
            var key = $"{pid}:{times.StartTicks}";
            var sample = new CpuSample { At = now, Ticks = ticks };
            if (_cpu.TryGetValue(key, out var earlier) && CpuRate.Fraction(earlier, sample) is { } fraction)
            {
                fractions.Add(fraction * 100);
            }

            _cpu[key] = sample;
        }

        return fractions.Count == 0 ? (null, "waiting for a second CPU reading") : (fractions.Average(), null);
    }

    private static ProcCpuTimes? ReadStat(string pid)
    {
        try
        {
            return ProcCpu.ParseStat(File.ReadAllText($"/proc/{pid}/stat")).Value;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The processes under <paramref name="pid"/> (from <c>/proc/PID/task/TID/children</c>), at most <see cref="MaxDescendants"/>.</summary>
    private static List<string> Descendants(string pid)
    {
        var found = new List<string>();
        var pending = new Queue<string>([pid]);
        while (pending.TryDequeue(out var parent) && found.Count < MaxDescendants)
        {
            string[] tasks;
            try
            {
                tasks = Directory.GetDirectories($"/proc/{parent}/task");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            foreach (var task in tasks)
            {
                string children;
                try
                {
                    children = File.ReadAllText(Path.Combine(task, "children"));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    continue;
                }

                foreach (var child in children.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(MaxDescendants - found.Count))
                {
                    found.Add(child);
                    pending.Enqueue(child);
                }
            }
        }

        return found;
    }

    private async Task<(double?, string?)> RequestsAsync(int replicas, CancellationToken cancellationToken)
    {
        if (source is null)
        {
            return (null, "metric rps needs source: the URL of nginx's stub_status");
        }

        string text;
        try
        {
            text = await http.GetStringAsync(new Uri(source), cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            return (null, $"could not read {source}: {ex.Message}");
        }

        if (NginxStubStatus.Parse(text).Value is not { } status)
        {
            return (null, $"{source} is not nginx stub_status output");
        }

        // stub_status counts its own request too; one per reading.
        var rate = Rate("rps", status.Requests);
        return rate is { } perSecond ? (Math.Max(0, perSecond - 1) / replicas, null) : (null, "waiting for a second reading");
    }

    private async Task<(double?, string?)> PrometheusAsync(Value attributes, int replicas, CancellationToken cancellationToken)
    {
        if (query is null)
        {
            return (null, "metric prometheus needs query: the metric's name");
        }

        var (name, labels) = ParseQuery(query);
        double total = 0;
        var counter = false;
        var read = 0;
        foreach (var endpoint in List(attributes, "endpoints"))
        {
            string text;
            try
            {
                text = await http.GetStringAsync(new Uri($"http://{endpoint}{path}"), cancellationToken);
            }
            catch (HttpRequestException)
            {
                continue;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                continue;
            }

            var parsed = PrometheusText.Parse(text, MaxMetricsText);
            if (parsed.Sum(name, labels) is not { } value)
            {
                continue;
            }

            counter |= parsed.Families.Any(f => f.Type == MetricType.Counter && (f.Name == name || name == f.Name + "_total"));
            total += value;
            read++;
        }

        if (read == 0)
        {
            return (null, $"no replica's {path} has {query}");
        }

        if (!counter)
        {
            return (total / replicas, null);
        }

        var rate = Rate("prometheus:" + string.Join(',', List(attributes, "endpoints")), total);
        return rate is { } perSecond ? (perSecond / replicas, null) : (null, "waiting for a second reading");
    }

    private double? Rate(string key, double value)
    {
        var sample = new CounterSample { At = time.GetUtcNow(), Value = value };
        var rate = _counters.TryGetValue(key, out var earlier) ? CounterRate.PerSecond(earlier, sample) : null;
        _counters[key] = sample;
        return rate;
    }

    private static (string Name, Dictionary<string, string> Labels) ParseQuery(string query)
    {
        var brace = query.IndexOf('{', StringComparison.Ordinal);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (brace < 0)
        {
            return (query.Trim(), labels);
        }

        foreach (var pair in query[(brace + 1)..].TrimEnd('}').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                labels[pair[..equals].Trim()] = pair[(equals + 1)..].Trim().Trim('"');
            }
        }

        return (query[..brace].Trim(), labels);
    }

    private static IEnumerable<string> List(Value attributes, string name) =>
        attributes.Kind == ValueKind.Map && attributes.AsMap().TryGetValue(name, out var list) && list.Kind == ValueKind.List
            ? list.AsList().Select(v => v.Kind == ValueKind.Number ? v.AsNumber().ToString(CultureInfo.InvariantCulture) : v.ToDisplayString())
            : [];
}
