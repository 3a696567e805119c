using System.Globalization;
using System.Text.RegularExpressions;
using Baton.Runs;
using Baton.State;
using Baton.Values;

namespace Baton.Server.Dashboard;

/// <summary>How the dashboard words and colours things.</summary>
internal static partial class View
{
    /// <summary>
    /// Gives an inline SVG its drawn size (the width and height of its viewBox), so a small graph is not blown up to
    /// the page's width; the stylesheet still shrinks a large one to fit.
    /// </summary>
    public static string NaturalSize(string svg)
    {
        var match = ViewBox().Match(svg);
        var at = svg.IndexOf("<svg ", StringComparison.Ordinal);
        return match.Success && at >= 0
            ? svg.Insert(at + 5, $"width=\"{match.Groups[1].Value}\" height=\"{match.Groups[2].Value}\" ")
            : svg;
    }

    [GeneratedRegex(@"viewBox=""0 0 ([0-9]+(?:\.[0-9]+)?) ([0-9]+(?:\.[0-9]+)?)""", RegexOptions.CultureInvariant)]
    private static partial Regex ViewBox();

    /// <summary>A resource's status for the graph: the live operation on it if one is running, else its state.</summary>
    public static string ResourceStatus(string address, StackState state, IReadOnlyDictionary<string, string> live, Baton.Engine.Reconciling.Reconciler? reconciler = null)
    {
        if (live.TryGetValue(address, out var running))
        {
            return running;
        }

        var health = reconciler?.Health;
        if (reconciler is not null && reconciler.Drifted.Contains(address))
        {
            return "drifted";
        }

        if (health is not null && health.TryGetValue(address, out var seen) && seen.State != "healthy")
        {
            return "unhealthy";
        }

        var stored = state.Resources.Values.FirstOrDefault(r => r.Address == address && r.DeposedKey is null);
        return stored is null ? "planned" : stored.Status switch
        {
            State.ResourceStatus.Ready => "ready",
            State.ResourceStatus.Tainted => "failed",
            _ => "deposed",
        };
    }

    /// <summary>For each address, what the latest operation event says if it is still running or failed since.</summary>
    public static IReadOnlyDictionary<string, string> LiveStatuses(IEnumerable<StackEvent> recent)
    {
        var latest = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in recent)
        {
            if (e.Source == EventSources.State && e.Address is { } address && e.Kind.StartsWith("resource.", StringComparison.Ordinal))
            {
                latest[address] = e.Kind;
            }
        }

        return latest
            .Where(p => p.Value is "resource.creating" or "resource.updating" or "resource.deleting" or "resource.failed")
            .ToDictionary(p => p.Key, p => p.Value switch
            {
                "resource.creating" => "creating",
                "resource.updating" => "updating",
                "resource.deleting" => "deleting",
                _ => "failed",
            }, StringComparer.Ordinal);
    }

    public static string Words<T>(T value)
        where T : struct, Enum => Api.Words.Of(value).Replace('_', ' ');

    public static string Css<T>(T value)
        where T : struct, Enum => Api.Words.Of(value).Replace('_', '-');

    /// <summary>
    /// A plan's or apply's id, shortened for a page: its last 8 characters. The ids are version 7 GUIDs, whose first
    /// characters are a timestamp shared by everything made in the same minute or so.
    /// </summary>
    public static string ShortId(string id) => id.Length > 8 ? id[^8..] : id;

    public static string Time(DateTimeOffset? at) => at is { } t ? t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC" : "";

    /// <summary>"took 1s200ms" once finished, "still running" before.</summary>
    public static string Took(DateTimeOffset? start, DateTimeOffset? end) =>
        end is null ? "still running" : "took " + Duration(start, end);

    public static string Duration(DateTimeOffset? start, DateTimeOffset? end) =>
        start is { } s && end is { } e ? Text.Durations.Format(e - s) : start is not null ? "running" : "";

    /// <summary>A value for a page: secrets as <c>(sensitive)</c>, strings bare.</summary>
    public static string Show(Value? value) => value is null ? "" : value.ToDisplayString();

    public static IEnumerable<KeyValuePair<string, Value>> Entries(Value? value) =>
        value is { Kind: ValueKind.Map, IsSensitive: false } ? value.AsMap() : [];

    public static string RunStatusCss(RunStatus status) => status switch
    {
        RunStatus.Succeeded => "ok",
        RunStatus.Failed or RunStatus.Cancelled => "bad",
        _ => "busy",
    };

    public static string StepStatusCss(StepStatus status) => status switch
    {
        StepStatus.Succeeded => "ok",
        StepStatus.Failed or StepStatus.CompensationFailed or StepStatus.Cancelled => "bad",
        StepStatus.WaitingApproval => "waiting",
        StepStatus.Skipped or StepStatus.Compensated or StepStatus.Pending => "idle",
        _ => "busy",
    };
}
