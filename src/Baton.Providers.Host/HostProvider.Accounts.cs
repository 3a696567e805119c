using System.Collections.Immutable;
using System.Globalization;
using Baton.Values;

namespace Baton.Providers.Host;

/// <summary><c>host.user</c> and <c>host.group</c>: getent and id read them (one script each); shadow-utils change them.</summary>
internal sealed partial class HostProvider
{
    private static void ValidateAccount(string type, Inputs inputs, List<string> errors)
    {
        if (inputs.Known("name") is { } name && (name.Kind != ValueKind.String || !IsAccountName(name.AsString()) || name.AsString().All(char.IsAsciiDigit)))
        {
            errors.Add($"name: \"{name.ToDisplayString()}\" is not a {(type == HostSchema.UserType ? "user" : "group")} name");
        }

        ValidateState(inputs, errors, "present", "absent");
        foreach (var id in new[] { "uid", "gid" })
        {
            if (inputs.Known(id) is { } number && (number.Kind != ValueKind.Number || !number.IsInteger || number.AsNumber() is < 0 or > 4_294_967_294))
            {
                errors.Add($"{id}: expected a whole number, got {number}");
            }
        }

        if (inputs.Known("group") is { } group && (group.Kind != ValueKind.String || !IsAccountName(group.AsString())))
        {
            errors.Add($"group: \"{group.ToDisplayString()}\" is not a group name");
        }

        if (inputs.Known("groups") is { IsWhollyKnown: true } groups && (groups.Kind != ValueKind.List || groups.AsList().Any(g => g.Kind != ValueKind.String || !IsAccountName(g.AsString()))))
        {
            errors.Add($"groups: expected a list of group names, got {groups}");
        }

        foreach (var path in new[] { "home", "shell" })
        {
            if (inputs.Known(path) is { } value && (value.Kind != ValueKind.String || !value.AsString().StartsWith('/') || value.AsString().Contains(':', StringComparison.Ordinal)))
            {
                errors.Add($"{path}: expected an absolute path, got {value}");
            }
        }
    }

    private static void PlanAccount(Inputs inputs, ImmutableSortedDictionary<string, Value>.Builder planned)
    {
        if (planned.TryGetValue("groups", out var groups) && groups is { Kind: ValueKind.List, IsWhollyKnown: true })
        {
            planned["groups"] = Value.List(groups.AsList().Select(g => g.AsString()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(Value.String));
        }

        if (inputs.Text("state") == "absent")
        {
            foreach (var name in new[] { "uid", "gid", "group", "groups", "shell", "home" })
            {
                if (planned.ContainsKey(name) && inputs.Known(name) is null)
                {
                    planned[name] = Value.Null;
                }
            }
        }
    }

    private async Task<(Value?, ProviderError?)> ApplyUserAsync(InventoryHost host, string address, Inputs inputs, CancellationToken cancellationToken)
    {
        var name = inputs.Text("name")!;
        var (found, error) = await AccountStateAsync(host, address, RemoteScripts.UserState, name, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return (null, error);
        }

        var exists = found.GetValueOrDefault("exists") == "1";
        if (inputs.Text("state") == "absent")
        {
            if (exists)
            {
                var deleted = await RunAsync(host, ["userdel", "--", name], cancellationToken).ConfigureAwait(false);
                if (!deleted.Succeeded)
                {
                    return (null, Failed(address, host, $"userdel {name}", deleted));
                }
            }

            return (UserAttributes(inputs, null), null);
        }

        var argv = new List<string> { exists ? "usermod" : "useradd" };
        void Option(string flag, string? value, string? current)
        {
            if (value is not null && value != current)
            {
                argv.Add(flag);
                argv.Add(value);
            }
        }

        var uid = inputs.Known("uid") is { Kind: ValueKind.Number } u ? ((long)u.AsNumber()).ToString(CultureInfo.InvariantCulture) : null;
        var groups = inputs.Strings("groups") is { } list ? string.Join(',', list.Order(StringComparer.Ordinal)) : null;
        var currentGroups = found.TryGetValue("groups", out var g) ? string.Join(',', g.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)) : null;
        Option("-u", uid, found.GetValueOrDefault("uid"));
        Option("-g", inputs.Text("group"), found.GetValueOrDefault("group"));
        Option("-s", inputs.Text("shell"), found.GetValueOrDefault("shell"));
        if (!exists)
        {
            if (groups is { Length: > 0 })
            {
                argv.Add("-G");
                argv.Add(groups);
            }

            if (inputs.Text("home") is { } home)
            {
                argv.Add("-d");
                argv.Add(home);
            }

            argv.Add("-m");
            if (inputs.Flag("system"))
            {
                argv.Add("-r");
            }
        }
        else
        {
            if (groups is not null && groups != currentGroups)
            {
                argv.Add("-G");
                argv.Add(groups);
            }

            if (inputs.Text("home") is { } home && home != found.GetValueOrDefault("home"))
            {
                argv.Add("-d");
                argv.Add(home);
                argv.Add("-m");
            }
        }

        if (!exists || argv.Count > 1)
        {
            argv.Add("--");
            argv.Add(name);
            var changed = await RunAsync(host, argv, cancellationToken).ConfigureAwait(false);
            if (!changed.Succeeded)
            {
                return (null, Failed(address, host, $"{argv[0]} {name}", changed));
            }

            (found, error) = await AccountStateAsync(host, address, RemoteScripts.UserState, name, cancellationToken).ConfigureAwait(false);
            if (error is not null)
            {
                return (null, error);
            }
        }

        return (UserAttributes(inputs, found), null);
    }

    private async Task<(Value?, ProviderError?)> ReadUserAsync(InventoryHost host, string address, Inputs inputs, CancellationToken cancellationToken)
    {
        var (found, error) = await AccountStateAsync(host, address, RemoteScripts.UserState, inputs.Text("name")!, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return (null, error);
        }

        var exists = found.GetValueOrDefault("exists") == "1";
        return exists || inputs.Text("state") == "absent" ? (UserAttributes(inputs, exists ? found : null), null) : (null, null);
    }

    private async Task<ProviderError?> DeleteUserAsync(InventoryHost host, string address, Inputs inputs, CancellationToken cancellationToken)
    {
        if (inputs.Text("state") == "absent" || inputs.Text("name") is not { } name)
        {
            return null;
        }

        var (found, error) = await AccountStateAsync(host, address, RemoteScripts.UserState, name, cancellationToken).ConfigureAwait(false);
        if (error is not null || found.GetValueOrDefault("exists") != "1")
        {
            return error;
        }

        var deleted = await RunAsync(host, ["userdel", "--", name], cancellationToken).ConfigureAwait(false);
        return deleted.Succeeded ? null : Failed(address, host, $"userdel {name}", deleted);
    }

    private static Value UserAttributes(Inputs inputs, Dictionary<string, string>? found)
    {
        var attributes = new Dictionary<string, Value>(StringComparer.Ordinal)
        {
            ["host"] = inputs.Known("host")!,
            ["name"] = inputs.Known("name")!,
            ["system"] = Value.Bool(inputs.Flag("system")),
            ["state"] = Value.String(found is null ? "absent" : "present"),
            ["id"] = Value.String(IdOf(HostSchema.UserType, inputs, string.Empty)!),
        };
        if (found is null)
        {
            foreach (var name in new[] { "uid", "group", "groups", "shell", "home" })
            {
                attributes[name] = inputs.Known(name) ?? Value.Null;
            }
        }
        else
        {
            attributes["uid"] = double.TryParse(found.GetValueOrDefault("uid"), NumberStyles.None, CultureInfo.InvariantCulture, out var uid) ? Value.Number(uid) : Value.Null;
            attributes["group"] = Value.String(found.GetValueOrDefault("group") ?? string.Empty);
            attributes["groups"] = Value.List((found.GetValueOrDefault("groups") ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(Value.String));
            attributes["shell"] = Value.String(found.GetValueOrDefault("shell") ?? string.Empty);
            attributes["home"] = Value.String(found.GetValueOrDefault("home") ?? string.Empty);
        }

        return Value.Map(attributes);
    }

    private async Task<(Value?, ProviderError?)> ApplyGroupAsync(InventoryHost host, string address, Inputs inputs, CancellationToken cancellationToken)
    {
        var name = inputs.Text("name")!;
        var (found, error) = await AccountStateAsync(host, address, RemoteScripts.GroupState, name, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return (null, error);
        }

        var exists = found.GetValueOrDefault("exists") == "1";
        var gid = inputs.Known("gid") is { Kind: ValueKind.Number } g ? ((long)g.AsNumber()).ToString(CultureInfo.InvariantCulture) : null;
        List<string>? argv = null;
        if (inputs.Text("state") == "absent")
        {
            argv = exists ? ["groupdel", "--", name] : null;
        }
        else if (!exists)
        {
            argv = ["groupadd", .. gid is null ? Array.Empty<string>() : ["-g", gid], .. inputs.Flag("system") ? new[] { "-r" } : [], "--", name];
        }
        else if (gid is not null && gid != found.GetValueOrDefault("gid"))
        {
            argv = ["groupmod", "-g", gid, "--", name];
        }

        if (argv is not null)
        {
            var changed = await RunAsync(host, argv, cancellationToken).ConfigureAwait(false);
            if (!changed.Succeeded)
            {
                return (null, Failed(address, host, $"{argv[0]} {name}", changed));
            }

            (found, error) = await AccountStateAsync(host, address, RemoteScripts.GroupState, name, cancellationToken).ConfigureAwait(false);
            if (error is not null)
            {
                return (null, error);
            }
        }

        return (GroupAttributes(inputs, found.GetValueOrDefault("exists") == "1" ? found : null), null);
    }

    private async Task<(Value?, ProviderError?)> ReadGroupAsync(InventoryHost host, string address, Inputs inputs, CancellationToken cancellationToken)
    {
        var (found, error) = await AccountStateAsync(host, address, RemoteScripts.GroupState, inputs.Text("name")!, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return (null, error);
        }

        var exists = found.GetValueOrDefault("exists") == "1";
        return exists || inputs.Text("state") == "absent" ? (GroupAttributes(inputs, exists ? found : null), null) : (null, null);
    }

    private async Task<ProviderError?> DeleteGroupAsync(InventoryHost host, string address, Inputs inputs, CancellationToken cancellationToken)
    {
        if (inputs.Text("state") == "absent" || inputs.Text("name") is not { } name)
        {
            return null;
        }

        var (found, error) = await AccountStateAsync(host, address, RemoteScripts.GroupState, name, cancellationToken).ConfigureAwait(false);
        if (error is not null || found.GetValueOrDefault("exists") != "1")
        {
            return error;
        }

        var deleted = await RunAsync(host, ["groupdel", "--", name], cancellationToken).ConfigureAwait(false);
        return deleted.Succeeded ? null : Failed(address, host, $"groupdel {name}", deleted);
    }

    private static Value GroupAttributes(Inputs inputs, Dictionary<string, string>? found) => Value.Map(new Dictionary<string, Value>(StringComparer.Ordinal)
    {
        ["host"] = inputs.Known("host")!,
        ["name"] = inputs.Known("name")!,
        ["system"] = Value.Bool(inputs.Flag("system")),
        ["state"] = Value.String(found is null ? "absent" : "present"),
        ["gid"] = found is not null && double.TryParse(found.GetValueOrDefault("gid"), NumberStyles.None, CultureInfo.InvariantCulture, out var gid) ? Value.Number(gid) : inputs.Known("gid") ?? Value.Null,
        ["id"] = Value.String(IdOf(HostSchema.GroupType, inputs, string.Empty)!),
    });

    private async Task<(Dictionary<string, string> Found, ProviderError? Error)> AccountStateAsync(InventoryHost host, string address, string script, string name, CancellationToken cancellationToken)
    {
        var result = await ScriptAsync(host, script, [name], cancellationToken).ConfigureAwait(false);
        return result.Succeeded ? (StateLines.Parse(result.Stdout), null) : ([], Failed(address, host, $"checking {name}", result));
    }
}
