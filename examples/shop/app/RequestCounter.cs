using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Shop;

/// <summary>Counts requests by route and status for the Prometheus text exposition at /metrics.</summary>
internal sealed class RequestCounter
{
    private static readonly HashSet<string> KnownPaths = new(StringComparer.Ordinal) { "/healthz", "/products", "/upload", "/metrics" };
    private readonly ConcurrentDictionary<(string Path, int Status), long> _counts = new();

    public void Count(PathString path, int status)
    {
        // Unknown paths share one label value, so a scan cannot grow the series without bound.
        var label = path.HasValue && KnownPaths.Contains(path.Value!) ? path.Value! : "other";
        _counts.AddOrUpdate((label, status), 1, (_, count) => count + 1);
    }

    public string Render(ShopSettings settings)
    {
        var text = new StringBuilder();
        text.Append("# HELP shop_http_requests_total Requests served, by path and status.\n");
        text.Append("# TYPE shop_http_requests_total counter\n");
        foreach (var entry in _counts.OrderBy(e => e.Key.Path, StringComparer.Ordinal).ThenBy(e => e.Key.Status))
        {
            text.Append(CultureInfo.InvariantCulture,
                $"shop_http_requests_total{{path=\"{entry.Key.Path}\",status=\"{entry.Key.Status}\"}} {entry.Value}\n");
        }

        text.Append("# HELP shop_build_info The running version and instance.\n");
        text.Append("# TYPE shop_build_info gauge\n");
        text.Append(CultureInfo.InvariantCulture,
            $"shop_build_info{{version=\"{Escape(settings.Version)}\",instance=\"{Escape(settings.Instance)}\"}} 1\n");
        return text.ToString();
    }

    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
