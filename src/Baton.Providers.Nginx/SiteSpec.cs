using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Baton.Values;

namespace Baton.Providers.Nginx;

/// <summary>An <c>nginx.site</c>'s inputs, checked, and the config file they render to.</summary>
internal sealed record SiteSpec
{
    public static readonly string[] Balances = ["round_robin", "least_conn", "ip_hash"];

    public required int Listen { get; init; }

    public required string Address { get; init; }

    public required IReadOnlyList<string> Upstream { get; init; }

    public required string Balance { get; init; }

    public required int MaxFails { get; init; }

    public required TimeSpan FailTimeout { get; init; }

    public string? StatusPath { get; init; }

    /// <summary>How long a connection to a backend may take before nginx tries the next one.</summary>
    public TimeSpan ConnectTimeout { get; init; } = DefaultConnectTimeout;

    /// <summary>
    /// Short, unlike nginx's own 60 s: a backend that is going away can swallow a connection attempt without refusing it
    /// (a container whose network is being torn down), and the next backend should answer instead.
    /// </summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The locations, <c>/</c> included (proxied to the upstream unless given otherwise), in path order.</summary>
    public IReadOnlyList<LocationSpec> Locations { get; init; } = [LocationSpec.DefaultRoot];

    public string? StatusUrl => StatusPath is null ? null : Url + StatusPath;

    public string Url => $"http://{(Address.Contains(':', StringComparison.Ordinal) ? "[" + Address + "]" : Address)}:{Listen.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Reads inputs; problems go to <paramref name="errors"/>. Unknown values are skipped (plan time). Upstream values
    /// are only checked for characters that could not be quoted; whether nginx accepts them is for <c>nginx -t</c>.
    /// </summary>
    public static SiteSpec? Read(Value inputs, string stackDirectory, List<string> errors)
    {
        if (inputs.Kind != ValueKind.Map)
        {
            errors.Add("the inputs must be a map");
            return null;
        }

        var map = inputs.AsMap();
        Value? Get(string name) => map.TryGetValue(name, out var v) && v.Kind != ValueKind.Null ? v : null;
        var complete = true;

        var listen = 0;
        switch (Get("listen"))
        {
            case null:
                errors.Add("listen is required");
                break;
            case { IsKnown: false }:
                complete = false;
                break;
            case { Kind: ValueKind.Number } n when n.AsNumber() is >= 1 and <= 65535 && n.AsNumber() == Math.Floor(n.AsNumber()):
                listen = (int)n.AsNumber();
                break;
            case var other:
                errors.Add($"listen must be a port number 1..65535, got {other}");
                break;
        }

        var address = "127.0.0.1";
        switch (Get("address"))
        {
            case null:
                break;
            case { IsKnown: false }:
                complete = false;
                break;
            case { Kind: ValueKind.String } s when IPAddress.TryParse(s.AsString(), out _):
                address = s.AsString();
                break;
            case var other:
                errors.Add($"address must be an IP address such as 127.0.0.1, got {other}");
                break;
        }

        var upstream = new List<string>();
        switch (Get("upstream"))
        {
            case null:
                errors.Add("upstream is required: a list of \"host:port\"");
                break;
            case { IsKnown: false }:
                complete = false;
                break;
            case { Kind: ValueKind.List } list:
                if (list.AsList().IsEmpty)
                {
                    errors.Add("upstream must name at least one \"host:port\"");
                }

                foreach (var item in list.AsList())
                {
                    if (!item.IsKnown)
                    {
                        complete = false;
                    }
                    else if (item.Kind != ValueKind.String || item.AsString().Length == 0 || item.AsString().Any(char.IsControl))
                    {
                        errors.Add($"upstream entries must be \"host:port\" strings, got {item}");
                    }
                    else
                    {
                        upstream.Add(item.AsString());
                    }
                }

                break;
            case var other:
                errors.Add($"upstream must be a list of \"host:port\", got {other}");
                break;
        }

        var balance = "round_robin";
        switch (Get("balance"))
        {
            case null:
                break;
            case { IsKnown: false }:
                complete = false;
                break;
            case { Kind: ValueKind.String } s when Balances.Contains(s.AsString()):
                balance = s.AsString();
                break;
            case var other:
                errors.Add($"balance must be one of {string.Join(", ", Balances)}, got {other}");
                break;
        }

        var maxFails = 1;
        switch (Get("max_fails"))
        {
            case null:
                break;
            case { IsKnown: false }:
                complete = false;
                break;
            case { Kind: ValueKind.Number } n when n.AsNumber() is >= 0 and <= 1000 && n.AsNumber() == Math.Floor(n.AsNumber()):
                maxFails = (int)n.AsNumber();
                break;
            case var other:
                errors.Add($"max_fails must be a whole number 0..1000, got {other}");
                break;
        }

        var failTimeout = TimeSpan.FromSeconds(10);
        switch (Get("fail_timeout"))
        {
            case null:
                break;
            case { IsKnown: false }:
                complete = false;
                break;
            case var value when Baton.Text.Durations.TryParse(value, out var parsed, out var error):
                if (parsed < TimeSpan.FromMilliseconds(1))
                {
                    errors.Add($"fail_timeout must be at least 1ms, got {value}");
                }

                failTimeout = parsed;
                break;
            case var value:
                errors.Add($"fail_timeout: {value} is not a duration such as \"150ms\", \"2s\" or \"1m\"");
                break;
        }

        var connectTimeout = DefaultConnectTimeout;
        switch (Get("connect_timeout"))
        {
            case null:
                break;
            case { IsKnown: false }:
                complete = false;
                break;
            case var value when Baton.Text.Durations.TryParse(value, out var parsed, out _) && parsed >= TimeSpan.FromMilliseconds(1) && parsed <= TimeSpan.FromSeconds(75):
                connectTimeout = parsed;
                break;
            case var value:
                errors.Add($"connect_timeout must be a duration from 1ms to 75s, such as \"2s\", got {value}");
                break;
        }

        string? statusPath = null;
        switch (Get("status_path"))
        {
            case null:
                break;
            case { IsKnown: false }:
                complete = false;
                break;
            case { Kind: ValueKind.String } p when p.AsString().Length > 1 && p.AsString()[0] == '/' && !p.AsString().Any(c => char.IsControl(c) || char.IsWhiteSpace(c)):
                statusPath = p.AsString();
                break;
            case var other:
                errors.Add($"status_path must be a path such as \"/nginx_status\" (not \"/\", no spaces), got {other}");
                break;
        }

        var locations = new List<LocationSpec>();
        switch (Get("locations"))
        {
            case null:
                break;
            case { IsKnown: false }:
                complete = false;
                break;
            case var value:
                if (LocationSpec.ReadAll(value, stackDirectory, errors) is { } read)
                {
                    locations = read;
                }
                else
                {
                    complete = false;
                }

                break;
        }

        if (locations.All(l => l.Path != "/"))
        {
            locations.Add(LocationSpec.DefaultRoot);
        }

        locations.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return complete
            ? new SiteSpec { Listen = listen, Address = address, Upstream = upstream, Balance = balance, MaxFails = maxFails, FailTimeout = failTimeout, ConnectTimeout = connectTimeout, StatusPath = statusPath, Locations = locations }
            : null;
    }

    /// <summary>The site's config file. Every user value is a quoted nginx string, so none can add a directive.</summary>
    public string Render(string id)
    {
        var name = UpstreamName(id);
        var builder = new StringBuilder();
        builder.Append("# Written by baton for site ").Append(id).Append("; changes are overwritten.\n");
        builder.Append("upstream ").Append(name).Append(" {\n");
        if (Balance != "round_robin")
        {
            builder.Append("    ").Append(Balance).Append(";\n");
        }

        // nginx reads an upstream server's fail_timeout in whole seconds only.
        var failTimeout = ((long)Math.Ceiling(FailTimeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture) + "s";
        foreach (var server in Upstream)
        {
            builder.Append("    server ").Append(Quote(server))
                .Append(" max_fails=").Append(MaxFails.ToString(CultureInfo.InvariantCulture))
                .Append(" fail_timeout=").Append(failTimeout).Append(";\n");
        }

        builder.Append("}\n\n");
        builder.Append("server {\n");
        var bind = Address.Contains(':', StringComparison.Ordinal) ? "[" + Address + "]" : Address;
        builder.Append("    listen ").Append(bind).Append(':').Append(Listen.ToString(CultureInfo.InvariantCulture)).Append(";\n");
        builder.Append("    proxy_connect_timeout ").Append(((long)Math.Ceiling(ConnectTimeout.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture)).Append("ms;\n");
        if (StatusPath is not null)
        {
            builder.Append("    location = ").Append(Quote(StatusPath)).Append(" {\n");
            builder.Append("        stub_status;\n");
            builder.Append("        access_log off;\n");
            builder.Append("        allow 127.0.0.1;\n");
            builder.Append("        allow ::1;\n");
            builder.Append("        deny all;\n");
            builder.Append("    }\n");
        }

        foreach (var location in Locations)
        {
            location.Render(builder, name);
        }

        builder.Append("}\n");
        return builder.ToString();
    }

    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>An nginx double-quoted string: backslash and quote escaped; <c>$</c> kept literal by the variable-free context.</summary>
    public static string Quote(string text) =>
        "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string UpstreamName(string id) => "baton_" + id.Replace('-', '_');
}
