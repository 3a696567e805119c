using System.Collections.Immutable;
using Baton.Values;

namespace Baton.Providers.Host;

/// <summary>
/// <c>host.link</c>: one script reads what is at the path (a link's target, owner and group); a change makes the
/// new link beside the path and renames it over the old one, so the path never dangles half-changed.
/// </summary>
internal sealed partial class HostProvider
{
    private static void ValidateLink(Inputs inputs, List<string> errors)
    {
        ValidatePath(inputs, errors, directory: false);
        ValidateState(inputs, errors, "present", "absent");
        ValidateOwnership(inputs, errors, withMode: false);

        if (inputs.Known("target") is { } target && (target.Kind != ValueKind.String || target.AsString().Length == 0 || target.AsString().IndexOfAny(['\0', '\n', '\r']) >= 0))
        {
            errors.Add($"target: expected a path (one line, not empty), got {target}");
        }

        if (inputs.Known("force") is { } force && force.Kind != ValueKind.Bool)
        {
            errors.Add($"force: expected true or false, got {force}");
        }
    }

    private static void PlanLink(Inputs inputs, ImmutableSortedDictionary<string, Value>.Builder planned)
    {
        if (inputs.Text("state") == "absent")
        {
            MarkAbsent(inputs, planned);
        }
    }

    private async Task<(Value?, ProviderError?)> ApplyLinkAsync(InventoryHost host, string address, Inputs inputs, CancellationToken cancellationToken)
    {
        var path = inputs.Text("path")!;
        if (inputs.Text("state") == "absent")
        {
            var removed = await ScriptAsync(host, RemoteScripts.RemoveLink, [path], cancellationToken).ConfigureAwait(false);
            return removed.Succeeded ? (LinkAttributes(inputs, null), null) : (null, Failed(address, host, $"removing the link {path}", removed));
        }

        var result = await ScriptAsync(host, RemoteScripts.MakeLink, [path, inputs.Text("target")!, inputs.Flag("force") ? "1" : "0", inputs.Text("owner") ?? string.Empty, inputs.Text("group") ?? string.Empty], cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return (null, Failed(address, host, $"linking {path} to {inputs.Text("target")}", result));
        }

        var found = StateLines.Parse(result.Stdout);
        return found.GetValueOrDefault("kind") == "link"
            ? (LinkAttributes(inputs, found), null)
            : (null, ProviderError.Transient($"{address}: on {host.Display}: {path} was not a symbolic link right after it was made"));
    }

    /// <summary>Reads the link; a path holding no link is gone (for state absent: the link is absent).</summary>
    private async Task<(Value?, ProviderError?)> ReadLinkAsync(InventoryHost host, string address, Inputs inputs, CancellationToken cancellationToken)
    {
        var path = inputs.Text("path")!;
        var result = await ScriptAsync(host, RemoteScripts.LinkState, [path], cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return (null, Failed(address, host, $"checking {path}", result));
        }

        var found = StateLines.Parse(result.Stdout);
        if (found.GetValueOrDefault("kind") == "link")
        {
            return (LinkAttributes(inputs, found), null);
        }

        return (inputs.Text("state") == "absent" ? LinkAttributes(inputs, null) : null, null);
    }

    private async Task<ProviderError?> DeleteLinkAsync(InventoryHost host, string address, Inputs inputs, CancellationToken cancellationToken)
    {
        if (inputs.Text("state") == "absent" || inputs.Text("path") is not { } path)
        {
            return null;
        }

        var result = await ScriptAsync(host, RemoteScripts.RemoveLink, [path], cancellationToken).ConfigureAwait(false);
        return result.Succeeded ? null : Failed(address, host, $"removing the link {path}", result);
    }

    /// <summary>The attributes of a link given what <see cref="RemoteScripts.LinkState"/> found (null: no link): target, owner and group as found.</summary>
    private static Value LinkAttributes(Inputs inputs, Dictionary<string, string>? found)
    {
        var stat = found is not null && found.TryGetValue("stat", out var line) ? PathStat.Parse(line) : null;
        var attributes = new Dictionary<string, Value>(StringComparer.Ordinal)
        {
            ["host"] = inputs.Known("host")!,
            ["path"] = inputs.Known("path")!,
            ["target"] = found is not null && found.TryGetValue("target", out var target) ? Value.String(target) : inputs.Known("target") ?? Value.Null,
            ["force"] = Value.Bool(inputs.Flag("force")),
            ["state"] = Value.String(found is null ? "absent" : "present"),
            ["id"] = Value.String(IdOf(HostSchema.LinkType, inputs, string.Empty)!),
            ["owner"] = stat is not null ? Value.String(IsNumber(inputs.Text("owner")) ? stat.Uid : stat.Owner) : inputs.Known("owner") ?? Value.Null,
            ["group"] = stat is not null ? Value.String(IsNumber(inputs.Text("group")) ? stat.Gid : stat.Group) : inputs.Known("group") ?? Value.Null,
        };
        return Value.Map(attributes);
    }
}
