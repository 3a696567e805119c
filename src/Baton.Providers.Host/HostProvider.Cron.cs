using System.Collections.Immutable;
using Baton.Values;

namespace Baton.Providers.Host;

/// <summary>
/// <c>host.cron</c>: the entry is the whole file /etc/cron.d/NAME, written by <see cref="PutFileAsync"/> (root, 0644,
/// as cron wants) and read back with the file's check, then parsed, so each field drifts on its own.
/// </summary>
internal sealed partial class HostProvider
{
    private static void ValidateCron(Inputs inputs, List<string> errors)
    {
        ValidateState(inputs, errors, "present", "absent");
        if (inputs.Known("name") is { } name && (name.Kind != ValueKind.String || !IsCronName(name.AsString())))
        {
            errors.Add($"name: expected letters, digits, _ and - only (cron skips other file names in /etc/cron.d), got {name}");
        }

        if (inputs.Known("schedule") is { } schedule)
        {
            if (schedule.Kind != ValueKind.String)
            {
                errors.Add($"schedule: expected a cron schedule such as \"*/5 * * * *\" or \"@daily\", got {schedule}");
            }
            else if (CronSchedules.Normalize(schedule.AsString(), out var problem) is null)
            {
                errors.Add($"schedule: {problem}");
            }
        }

        if (inputs.Known("command") is { } command && (command.Kind != ValueKind.String || command.AsString().Trim().Length == 0 || command.AsString().IndexOfAny(['\0', '\n', '\r']) >= 0))
        {
            errors.Add($"command: expected a command on one line, got {command}");
        }

        if (inputs.Known("user") is { } user && (user.Kind != ValueKind.String || !IsAccountName(user.AsString())))
        {
            errors.Add($"user: expected a user name, got {user}");
        }

        ValidateEnvironment(inputs, errors);
        if (inputs.StringMap("environment") is { } environment && environment.Any(e => e.Value.IndexOfAny(['\0', '\n', '\r']) >= 0))
        {
            errors.Add("environment: a value cannot hold a newline");
        }
    }

    private static bool IsCronName(string name) =>
        name.Length is > 0 and <= 200 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    private static string CronPath(string name) => $"{HostSchema.CronDirectory}/{name}";

    /// <summary>The entry the inputs ask for, or null when a part of it is not known yet.</summary>
    private static CronEntry? WantedCron(Inputs inputs)
    {
        var environment = inputs.Map.TryGetValue("environment", out var given) ? given : Value.Null;
        if (inputs.Text("schedule") is not { } schedule || CronSchedules.Normalize(schedule, out _) is not { } normalized
            || inputs.Text("command") is not { } command || !environment.IsWhollyKnown)
        {
            return null;
        }

        return new CronEntry(normalized, inputs.Text("user") ?? "root", command, inputs.StringMap("environment") ?? []);
    }

    private static void PlanCron(Inputs inputs, ImmutableSortedDictionary<string, Value>.Builder planned)
    {
        var name = inputs.Text("name");
        planned["path"] = name is null ? Value.Unknown(BatonType.String) : Value.String(CronPath(name));
        if (inputs.Text("schedule") is { } schedule && CronSchedules.Normalize(schedule, out _) is { } normalized)
        {
            planned["schedule"] = Value.String(normalized);
        }

        var wanted = WantedCron(inputs);
        planned["sha256"] = inputs.Text("state") == "absent" ? Value.Null
            : wanted is not null && name is not null ? Value.String(FileBody.Of(wanted.Render(name)).Sha256)
            : Value.Unknown(BatonType.String);
    }

    private async Task<(Value?, ProviderError?)> ApplyCronAsync(InventoryHost host, string address, Inputs inputs, CancellationToken cancellationToken)
    {
        var name = inputs.Text("name")!;
        var path = CronPath(name);
        if (inputs.Text("state") == "absent")
        {
            var removed = await ScriptAsync(host, RemoteScripts.RemoveFile, [path], cancellationToken).ConfigureAwait(false);
            return removed.Succeeded ? (CronAttributes(inputs, null, null), null) : (null, Failed(address, host, $"removing {path}", removed));
        }

        var wanted = WantedCron(inputs)!;
        var (written, _, failure) = await PutFileAsync(host, address, path, FileBody.Of(wanted.Render(name)), ("root", "root", "0644"), makeDirectory: true, timeout: null, cancellationToken).ConfigureAwait(false);
        return failure is null ? (CronAttributes(inputs, written, wanted), null) : (null, failure);
    }

    private async Task<(Value?, ProviderError?)> ReadCronAsync(InventoryHost host, string address, Inputs inputs, CancellationToken cancellationToken)
    {
        var path = CronPath(inputs.Text("name")!);
        var result = await ScriptAsync(host, RemoteScripts.PathState, [path, HostSchema.MaxReadBackBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)], cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return (null, Failed(address, host, $"checking {path}", result));
        }

        var found = PathState.Parse(result.Stdout);
        return found.Kind switch
        {
            "none" => (inputs.Text("state") == "absent" ? CronAttributes(inputs, null, null) : null, null),
            "file" => (CronAttributes(inputs, found, found.Text is { } text ? CronEntry.Parse(text) : WantedCron(inputs)), null),
            _ => (null, ProviderError.Permanent($"{address}: on {host.Display}: {path} is a {found.Kind}, not a file")),
        };
    }

    private async Task<ProviderError?> DeleteCronAsync(InventoryHost host, string address, Inputs inputs, CancellationToken cancellationToken)
    {
        if (inputs.Text("state") == "absent" || inputs.Text("name") is not { } name)
        {
            return null;
        }

        var result = await ScriptAsync(host, RemoteScripts.RemoveFile, [CronPath(name)], cancellationToken).ConfigureAwait(false);
        return result.Succeeded ? null : Failed(address, host, $"removing {CronPath(name)}", result);
    }

    /// <summary>The attributes of a cron entry given its file's state (null: none) and the entry it holds (the wanted one when the file could not be read back).</summary>
    private static Value CronAttributes(Inputs inputs, PathState? found, CronEntry? entry)
    {
        var name = inputs.Text("name")!;
        var wantedEnvironment = inputs.Known("environment");
        var attributes = new Dictionary<string, Value>(StringComparer.Ordinal)
        {
            ["host"] = inputs.Known("host")!,
            ["name"] = Value.String(name),
            ["state"] = Value.String(found is null ? "absent" : "present"),
            ["id"] = Value.String(IdOf(HostSchema.CronType, inputs, string.Empty)!),
            ["path"] = Value.String(CronPath(name)),
            ["sha256"] = found?.Sha256 is { } sha ? Value.String(sha) : Value.Null,
            ["schedule"] = entry is not null ? Value.String(entry.Schedule) : inputs.Known("schedule") is { Kind: ValueKind.String } s ? Value.String(CronSchedules.Normalize(s.AsString(), out _) ?? s.AsString()) : Value.Null,
            ["user"] = entry is not null ? Value.String(entry.User) : inputs.Known("user") ?? Value.String("root"),
            ["command"] = entry is not null ? Value.String(entry.Command) : inputs.Known("command") ?? Value.Null,
            ["environment"] = entry is not { Environment.Count: > 0 }
                ? wantedEnvironment is { Kind: ValueKind.Map } empty && empty.AsMap().IsEmpty ? empty : entry is null ? wantedEnvironment ?? Value.Null : Value.Null
                : Value.Map(entry.Environment.Select(e => new KeyValuePair<string, Value>(e.Key, Value.String(e.Value)))),
        };
        return Value.Map(attributes);
    }
}
