using System.Collections.Immutable;
using System.Globalization;
using Baton.Diagnostics;
using Baton.Expressions;
using Baton.Spec.Declarations;
using Baton.Values;

namespace Baton.Binding;

/// <summary>
/// Evaluates <c>hosts:</c> over variables into the stack's <see cref="Inventory"/>: each group's settings and
/// addresses checked (addresses as <c>host</c>, <c>host:port</c>, <c>[v6]:port</c> or maps), names unique, a host
/// listed twice reached one way.
/// </summary>
internal static class InventoryBinder
{
    private static readonly string[] GroupSettings = ["user", "port", "private_key", "private_key_file", "known_hosts", "become", "become_user", "vars", "serial", "max_fail_percentage"];

    public static Inventory Bind(ImmutableArray<HostGroupSpec> groups, IEvaluationScope variables, DiagnosticBag diagnostics)
    {
        if (groups.IsEmpty)
        {
            return Inventory.Empty;
        }

        var hosts = new List<InventoryHost>();
        var members = ImmutableDictionary.CreateBuilder<string, ImmutableArray<string>>(StringComparer.Ordinal);
        var rollouts = ImmutableDictionary.CreateBuilder<string, HostRollout>(StringComparer.Ordinal);
        var rolloutOrder = ImmutableArray.CreateBuilder<string>();
        foreach (var group in groups)
        {
            members[group.Name] = [];
            if (group.Name == Inventory.AllGroup)
            {
                diagnostics.Error(DiagnosticCodes.InvalidHost, "the host group \"all\" is Baton's own: it means every host of the inventory", group.NameSpan, "give the group another name");
                continue;
            }

            if (Evaluated(group.Settings, group, "settings", variables, diagnostics) is not { } settings
                || Evaluated(group.Addresses, group, "addresses", variables, diagnostics) is not { } addresses)
            {
                continue;
            }

            var defaults = ReadGroupSettings(group, settings, diagnostics);
            var rollout = ReadRollout(group, settings, diagnostics);
            if (defaults is null || rollout is null)
            {
                continue;
            }

            if (rollout.SerialCount is not null || rollout.SerialPercent is not null || rollout.MaxFailPercentage is not null)
            {
                rollouts[group.Name] = rollout;
                rolloutOrder.Add(group.Name);
            }

            if (addresses.Kind != ValueKind.List)
            {
                diagnostics.Error(DiagnosticCodes.InvalidHost, $"addresses of host group \"{group.Name}\" must be a list, not {addresses.ToDisplayString()}", group.Addresses?.Span ?? group.NameSpan);
                continue;
            }

            var names = ImmutableArray.CreateBuilder<string>();
            var items = addresses.AsList();
            for (var i = 0; i < items.Length; i++)
            {
                var span = (group.Addresses as ListExpression)?.Items.ElementAtOrDefault(i)?.Span ?? group.Addresses?.Span ?? group.NameSpan;
                if (ReadHost(group, items[i], defaults, span, diagnostics) is not { } host)
                {
                    continue;
                }

                var index = hosts.FindIndex(h => h.Name == host.Name);
                if (index < 0)
                {
                    hosts.Add(host);
                    names.Add(host.Name);
                    continue;
                }

                var first = hosts[index];
                if (first.Groups.Contains(group.Name))
                {
                    diagnostics.Error(DiagnosticCodes.InvalidHost, $"host group \"{group.Name}\" lists the host \"{host.Name}\" twice", span);
                    continue;
                }

                if (first.Address != host.Address || first.Port != host.Port || first.User != host.User)
                {
                    diagnostics.Add(Diagnostic.Error(
                            DiagnosticCodes.InvalidHost,
                            $"the host \"{host.Name}\" is {host.User}@{host.Address}:{host.Port.ToString(CultureInfo.InvariantCulture)} in group \"{group.Name}\" but {first.User}@{first.Address}:{first.Port.ToString(CultureInfo.InvariantCulture)} in group \"{first.Groups[0]}\"",
                            span)
                        .WithNote("listed first here", first.Span));
                    continue;
                }

                hosts[index] = first with { Groups = first.Groups.Add(group.Name), Vars = Merge(first.Vars, host.Vars) };
                names.Add(host.Name);
            }

            members[group.Name] = names.ToImmutable();
        }

        return new Inventory { Hosts = [.. hosts], Groups = members.ToImmutable(), Rollouts = rollouts.ToImmutable(), RolloutOrder = rolloutOrder.ToImmutable() };
    }

    /// <summary>Splits <c>host</c>, <c>host:port</c>, <c>[v6]</c> or <c>[v6]:port</c>; a bare IPv6 address has no port.</summary>
    public static bool TryParseAddress(string text, out string host, out int? port)
    {
        ArgumentNullException.ThrowIfNull(text);
        host = text;
        port = null;
        if (text.Length == 0 || text.Any(char.IsWhiteSpace) || text.Contains('/', StringComparison.Ordinal) || text.Contains('@', StringComparison.Ordinal))
        {
            return false;
        }

        if (text[0] == '[')
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 2)
            {
                return false;
            }

            host = text[1..close];
            var rest = text[(close + 1)..];
            return rest.Length == 0 || (rest[0] == ':' && TryPort(rest[1..], out port));
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return true;
        }

        if (text.IndexOf(':', colon + 1) >= 0)
        {
            // More than one colon: a bare IPv6 address.
            return true;
        }

        host = text[..colon];
        return host.Length > 0 && TryPort(text[(colon + 1)..], out port);
    }

    private static bool TryPort(string text, out int? port)
    {
        port = null;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is >= 1 and <= 65535)
        {
            port = number;
            return true;
        }

        return false;
    }

    private static Value? Evaluated(Expression? expression, HostGroupSpec group, string what, IEvaluationScope variables, DiagnosticBag diagnostics)
    {
        if (expression is null)
        {
            return what == "settings" ? Value.EmptyMap : Value.List([]);
        }

        // References to anything but variables are reported by the reference check; nothing to evaluate.
        if (References.Of(expression).Any(r => r.Root != "var"))
        {
            return null;
        }

        var errors = diagnostics.ErrorCount;
        var value = Evaluator.Evaluate(expression, variables, diagnostics);
        if (diagnostics.ErrorCount > errors)
        {
            return null;
        }

        if (!value.IsWhollyKnown && what == "settings" && value.Kind == ValueKind.Map)
        {
            // A setting from a variable with no value yet (validate, graph): the instances do not depend on it, so
            // it is left out here; plan and apply require every variable.
            return Value.Map(value.AsMap().Where(e => e.Value.IsWhollyKnown));
        }

        if (!value.IsWhollyKnown)
        {
            diagnostics.Error(
                DiagnosticCodes.InvalidHost,
                $"the {what} of host group \"{group.Name}\" are not known: they depend on a variable that has no value yet",
                expression.Span,
                "give the variable a value (--var, --var-file or a default)");
            return null;
        }

        return value;
    }

    /// <summary>
    /// A group's <c>serial</c> (a whole number of hosts, at least 1, or a percentage <c>"N%"</c> from 1 to 100) and
    /// <c>max_fail_percentage</c> (a number from 0 to 100); null after reporting a bad one.
    /// </summary>
    private static HostRollout? ReadRollout(HostGroupSpec group, Value settings, DiagnosticBag diagnostics)
    {
        var map = settings.AsMap();
        var where = $"host group \"{group.Name}\"";
        var rollout = new HostRollout();
        var ok = true;
        if (map.GetValueOrDefault("serial") is { Kind: not ValueKind.Null } serial)
        {
            var span = SettingSpan(group.Settings, "serial") ?? group.NameSpan;
            if (serial.Kind == ValueKind.Number && serial.AsNumber() is var count && count >= 1 && count <= int.MaxValue && count == Math.Floor(count))
            {
                rollout = rollout with { SerialCount = (int)count };
            }
            else if (serial.Kind == ValueKind.String && serial.AsString() is [.. var digits, '%']
                && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var percent) && percent is >= 1 and <= 100)
            {
                rollout = rollout with { SerialPercent = percent };
            }
            else
            {
                diagnostics.Error(
                    DiagnosticCodes.InvalidHost,
                    $"serial of {where} must be a whole number of hosts (at least 1) or a percentage such as \"25%\" (1% to 100%), not {(serial.Kind == ValueKind.String ? $"\"{serial.AsString()}\"" : serial.ToDisplayString())}",
                    span);
                ok = false;
            }
        }

        if (map.GetValueOrDefault("max_fail_percentage") is { Kind: not ValueKind.Null } max)
        {
            if (max.Kind == ValueKind.Number && max.AsNumber() is var budget && budget is >= 0 and <= 100)
            {
                rollout = rollout with { MaxFailPercentage = budget };
            }
            else
            {
                diagnostics.Error(
                    DiagnosticCodes.InvalidHost,
                    $"max_fail_percentage of {where} must be a number from 0 to 100, not {max.ToDisplayString()}",
                    SettingSpan(group.Settings, "max_fail_percentage") ?? group.NameSpan);
                ok = false;
            }
        }

        return ok ? rollout : null;
    }

    private static InventoryHost? ReadGroupSettings(HostGroupSpec group, Value settings, DiagnosticBag diagnostics)
    {
        var span = group.Settings?.Span ?? group.NameSpan;
        var where = $"host group \"{group.Name}\"";
        var map = settings.AsMap();
        var ok = true;
        string? Text(string key)
        {
            if (!map.TryGetValue(key, out var value) || value.Kind == ValueKind.Null)
            {
                return null;
            }

            if (value.Kind == ValueKind.String && value.AsString().Length > 0)
            {
                return value.AsString();
            }

            diagnostics.Error(DiagnosticCodes.InvalidHost, $"{key} of {where} must be a non-empty string", SettingSpan(group.Settings, key) ?? span);
            ok = false;
            return null;
        }

        var user = Text("user") ?? "root";
        var privateKey = map.TryGetValue("private_key", out var key) && key.Kind == ValueKind.String ? key.AsSensitive() : null;
        if (privateKey is null && Text("private_key") is not null)
        {
            ok = false;
        }

        var port = Port(map.GetValueOrDefault("port"), where, SettingSpan(group.Settings, "port") ?? span, diagnostics, ref ok) ?? 22;
        var become = map.GetValueOrDefault("become") is { Kind: ValueKind.Bool } flag && flag.AsBool();
        if (map.GetValueOrDefault("become") is { Kind: not (ValueKind.Bool or ValueKind.Null) })
        {
            diagnostics.Error(DiagnosticCodes.InvalidHost, $"become of {where} must be true or false", SettingSpan(group.Settings, "become") ?? span);
            ok = false;
        }

        var vars = VarsOf(map.GetValueOrDefault("vars"), where, SettingSpan(group.Settings, "vars") ?? span, diagnostics, ref ok);
        foreach (var unknown in map.Keys.Where(k => !GroupSettings.Contains(k)))
        {
            // The shape check names unknown keys of a literal group; this catches the rest.
            diagnostics.Error(DiagnosticCodes.InvalidHost, $"{where} has no setting \"{unknown}\"", SettingSpan(group.Settings, unknown) ?? span);
            ok = false;
        }

        return ok
            ? new InventoryHost
            {
                Name = group.Name,
                Groups = [group.Name],
                Address = "",
                User = user,
                Port = port,
                Become = become,
                BecomeUser = Text("become_user"),
                PrivateKey = privateKey,
                PrivateKeyFile = Text("private_key_file"),
                KnownHostsFile = Text("known_hosts"),
                Vars = vars,
            }
            : null;
    }

    private static InventoryHost? ReadHost(HostGroupSpec group, Value item, InventoryHost defaults, SourceSpan span, DiagnosticBag diagnostics)
    {
        var where = $"a host of group \"{group.Name}\"";
        string written;
        string? name = null;
        int? port = null;
        var user = defaults.User;
        var vars = defaults.Vars;
        var ok = true;
        if (item.Kind == ValueKind.String)
        {
            written = item.AsString();
        }
        else if (item.Kind == ValueKind.Map)
        {
            var map = item.AsMap();
            if (map.GetValueOrDefault("address") is not { Kind: ValueKind.String } address)
            {
                diagnostics.Error(DiagnosticCodes.InvalidHost, $"{where} has no address", span, "write { address: \"host:port\" }");
                return null;
            }

            written = address.AsString();
            foreach (var key in map.Keys.Where(k => k is not ("address" or "name" or "port" or "user" or "vars")))
            {
                diagnostics.Error(DiagnosticCodes.InvalidHost, $"{where} has no setting \"{key}\"; a host has address, name, port, user and vars", span);
                ok = false;
            }

            if (map.GetValueOrDefault("name") is { } given)
            {
                if (given.Kind == ValueKind.String && given.AsString().Length > 0)
                {
                    name = given.AsString();
                }
                else
                {
                    diagnostics.Error(DiagnosticCodes.InvalidHost, $"the name of {where} must be a non-empty string", span);
                    ok = false;
                }
            }

            port = Port(map.GetValueOrDefault("port"), where, span, diagnostics, ref ok);
            if (map.GetValueOrDefault("user") is { } hostUser)
            {
                if (hostUser.Kind == ValueKind.String && hostUser.AsString().Length > 0)
                {
                    user = hostUser.AsString();
                }
                else
                {
                    diagnostics.Error(DiagnosticCodes.InvalidHost, $"the user of {where} must be a non-empty string", span);
                    ok = false;
                }
            }

            vars = Merge(vars, VarsOf(map.GetValueOrDefault("vars"), where, span, diagnostics, ref ok));
        }
        else
        {
            diagnostics.Error(DiagnosticCodes.InvalidHost, $"{where} must be \"host\", \"host:port\" or a map with address, not {item.ToDisplayString()}", span);
            return null;
        }

        if (!TryParseAddress(written, out var hostPart, out var addressPort))
        {
            diagnostics.Error(DiagnosticCodes.InvalidHost, $"\"{written}\" is not a host address: write host, host:port or [ipv6]:port (a port from 1 to 65535)", span);
            return null;
        }

        if (addressPort is not null && port is not null && addressPort != port)
        {
            diagnostics.Error(DiagnosticCodes.InvalidHost, $"{where} gives port {port} and the address \"{written}\" port {addressPort}", span);
            ok = false;
        }

        return ok
            ? defaults with
            {
                Name = name ?? written,
                Address = hostPart,
                Port = addressPort ?? port ?? defaults.Port,
                User = user,
                Vars = vars,
                Span = span,
            }
            : null;
    }

    private static int? Port(Value? value, string where, SourceSpan span, DiagnosticBag diagnostics, ref bool ok)
    {
        if (value is null || value.Kind == ValueKind.Null)
        {
            return null;
        }

        if (value.Kind == ValueKind.Number && value.AsNumber() is var number && number == Math.Floor(number) && number is >= 1 and <= 65535)
        {
            return (int)number;
        }

        diagnostics.Error(DiagnosticCodes.InvalidHost, $"the port of {where} must be a whole number from 1 to 65535, not {value.ToDisplayString()}", span);
        ok = false;
        return null;
    }

    private static Value VarsOf(Value? value, string where, SourceSpan span, DiagnosticBag diagnostics, ref bool ok)
    {
        if (value is null || value.Kind == ValueKind.Null)
        {
            return Value.EmptyMap;
        }

        if (value.Kind == ValueKind.Map)
        {
            return value;
        }

        diagnostics.Error(DiagnosticCodes.InvalidHost, $"vars of {where} must be a map", span);
        ok = false;
        return Value.EmptyMap;
    }

    private static Value Merge(Value under, Value over) =>
        under.AsMap().IsEmpty ? over : over.AsMap().IsEmpty ? under : Value.Map(under.AsMap().SetItems(over.AsMap()));

    private static SourceSpan? SettingSpan(Expression? settings, string key) =>
        settings is MapExpression map
            ? map.Entries.FirstOrDefault(e => e.Key is LiteralExpression { Value.Kind: ValueKind.String } k && k.Value.AsString() == key)?.Value.Span
            : null;
}
