using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Baton.Values;

namespace Baton.Providers.Host;

/// <summary>
/// <c>host.file</c> and <c>host.directory</c>. A write first reads the path's state (one round trip); when only the
/// owner, group or mode differ it changes those in place, else it sends the content on the standard input of one
/// script that writes a temporary file beside the target, checks its size and SHA-256, gives it its owner, group and
/// mode, syncs it and renames it over the target — and prints the new state, so a write costs two round trips.
/// </summary>
internal sealed partial class HostProvider
{
    private static void PlanFile(Inputs inputs, ImmutableSortedDictionary<string, Value>.Builder planned)
    {
        NormalizeMode(planned);
        if (inputs.Text("state") == "absent")
        {
            MarkAbsent(inputs, planned);
            planned["sha256"] = Value.Null;
            planned["size"] = Value.Null;
            return;
        }

        var content = planned["content"];
        if (!content.IsKnown)
        {
            planned["sha256"] = Value.Unknown(BatonType.String);
            planned["size"] = Value.Unknown(BatonType.Number);
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(content.AsString());
        planned["sha256"] = Value.String(Convert.ToHexStringLower(SHA256.HashData(bytes))).WithSensitivity(content.ContainsSensitive);
        planned["size"] = Value.Number(bytes.Length);
    }

    private static void PlanDirectory(Inputs inputs, ImmutableSortedDictionary<string, Value>.Builder planned)
    {
        NormalizeMode(planned);
        if (inputs.Text("state") == "absent")
        {
            MarkAbsent(inputs, planned);
        }
    }

    private static void NormalizeMode(ImmutableSortedDictionary<string, Value>.Builder planned)
    {
        if (planned["mode"] is { Kind: ValueKind.String } mode && FileModes.TryNormalize(mode.AsString(), out var normalized))
        {
            planned["mode"] = Value.String(normalized);
        }
    }

    /// <summary>What a resource that must be absent has: no owner, group or mode unless the stack set them.</summary>
    private static void MarkAbsent(Inputs inputs, ImmutableSortedDictionary<string, Value>.Builder planned)
    {
        foreach (var name in new[] { "owner", "group", "mode" })
        {
            if (inputs.Known(name) is null)
            {
                planned[name] = Value.Null;
            }
        }
    }

    private async Task<(Value?, ProviderError?)> ApplyFileAsync(InventoryHost host, string address, Inputs inputs, CancellationToken cancellationToken)
    {
        var path = inputs.Text("path")!;
        if (inputs.Text("state") == "absent")
        {
            var removed = await ScriptAsync(host, RemoteScripts.RemoveFile, [path], cancellationToken).ConfigureAwait(false);
            return removed.Succeeded ? (PathAttributes(inputs, null, file: true), null) : (null, Failed(address, host, $"removing {path}", removed));
        }

        var content = inputs.Known("content") is { Kind: ValueKind.String } text ? text.AsString() : string.Empty;
        var bytes = Encoding.UTF8.GetBytes(content);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var owner = inputs.Text("owner") ?? string.Empty;
        var group = inputs.Text("group") ?? string.Empty;
        var mode = inputs.Text("mode") is { } given && FileModes.TryNormalize(given, out var normalized) ? normalized : string.Empty;

        var before = await ScriptAsync(host, RemoteScripts.PathState, [path], cancellationToken).ConfigureAwait(false);
        if (!before.Succeeded)
        {
            return (null, Failed(address, host, $"checking {path}", before));
        }

        var found = PathState.Parse(before.Stdout);
        RemoteResult after;
        if (found.Kind == "file" && found.Sha256 == sha256)
        {
            if (found.Matches(owner, group, mode))
            {
                return (PathAttributes(inputs, found, file: true), null);
            }

            after = await ScriptAsync(host, RemoteScripts.SetAttributes, [path, owner, group, mode], cancellationToken).ConfigureAwait(false);
        }
        else
        {
            after = await ScriptAsync(host, RemoteScripts.WriteFile, [path, owner, group, mode, bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), sha256], cancellationToken, bytes).ConfigureAwait(false);
        }

        if (!after.Succeeded)
        {
            return (null, Failed(address, host, $"writing {path}", after));
        }

        var written = PathState.Parse(after.Stdout);
        return written.Kind == "file"
            ? (PathAttributes(inputs, written, file: true), null)
            : (null, ProviderError.Transient($"{address}: on {host.Display}: {path} was not a file right after it was written"));
    }

    /// <summary>Reads a file (<paramref name="file"/>) or a directory in one round trip; the other kind at the path is an error unless the path should be absent.</summary>
    private async Task<(Value?, ProviderError?)> ReadPathAsync(InventoryHost host, string address, Inputs inputs, bool file, CancellationToken cancellationToken)
    {
        var path = inputs.Text("path")!;
        var result = await ScriptAsync(host, RemoteScripts.PathState, [path], cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return (null, Failed(address, host, $"checking {path}", result));
        }

        var found = PathState.Parse(result.Stdout);
        var kind = file ? "file" : "directory";
        var wantAbsent = inputs.Text("state") == "absent";
        return found.Kind switch
        {
            "none" => (wantAbsent ? PathAttributes(inputs, null, file) : null, null),
            _ when found.Kind == kind || wantAbsent => (PathAttributes(inputs, found, file), null),
            _ => (null, ProviderError.Permanent($"{address}: on {host.Display}: {path} is a {found.Kind}, not a {kind}")),
        };
    }

    private async Task<ProviderError?> DeleteFileAsync(InventoryHost host, string address, Inputs inputs, CancellationToken cancellationToken)
    {
        if (inputs.Text("state") == "absent" || inputs.Text("path") is not { } path)
        {
            return null;
        }

        var result = await ScriptAsync(host, RemoteScripts.RemoveFile, [path], cancellationToken).ConfigureAwait(false);
        return result.Succeeded ? null : Failed(address, host, $"removing {path}", result);
    }

    private async Task<(Value?, ProviderError?)> ApplyDirectoryAsync(InventoryHost host, string address, Inputs inputs, CancellationToken cancellationToken)
    {
        var path = inputs.Text("path")!;
        if (inputs.Text("state") == "absent")
        {
            var removed = await ScriptAsync(host, RemoteScripts.RemoveDirectory, [path, inputs.Flag("force_destroy") ? "1" : "0"], cancellationToken).ConfigureAwait(false);
            return removed.Succeeded ? (PathAttributes(inputs, null, file: false), null) : (null, Failed(address, host, $"removing {path}", removed));
        }

        var owner = inputs.Text("owner") ?? string.Empty;
        var group = inputs.Text("group") ?? string.Empty;
        var mode = inputs.Text("mode") is { } given && FileModes.TryNormalize(given, out var normalized) ? normalized : string.Empty;
        var result = await ScriptAsync(host, RemoteScripts.MakeDirectory, [path, owner, group, mode], cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return (null, Failed(address, host, $"making {path}", result));
        }

        var found = PathState.Parse(result.Stdout);
        return found.Kind == "directory"
            ? (PathAttributes(inputs, found, file: false), null)
            : (null, ProviderError.Transient($"{address}: on {host.Display}: {path} was not a directory right after it was made"));
    }

    private async Task<ProviderError?> DeleteDirectoryAsync(InventoryHost host, string address, Inputs inputs, CancellationToken cancellationToken)
    {
        if (inputs.Text("state") == "absent" || inputs.Text("path") is not { } path)
        {
            return null;
        }

        var result = await ScriptAsync(host, RemoteScripts.RemoveDirectory, [path, inputs.Flag("force_destroy") ? "1" : "0"], cancellationToken).ConfigureAwait(false);
        return result.Succeeded ? null : Failed(address, host, $"removing {path}{(inputs.Flag("force_destroy") ? string.Empty : " (only an empty directory is removed unless force_destroy is true)")}", result);
    }

    /// <summary>
    /// The attributes of a file or directory resource given what is at its path (<paramref name="found"/>; null:
    /// nothing): the inputs as set, <c>state</c> as found, and owner, group, mode, sha256 and size as found.
    /// </summary>
    private static Value PathAttributes(Inputs inputs, PathState? found, bool file)
    {
        var schema = file ? HostSchema.File : HostSchema.Directory;
        var attributes = new Dictionary<string, Value>(StringComparer.Ordinal);
        foreach (var attribute in schema.Attributes.Where(a => !a.Computed))
        {
            var value = inputs.Known(attribute.Name) ?? attribute.Default ?? Value.Null;
            attributes[attribute.Name] = attribute.Sensitive ? value.AsSensitive() : value;
        }

        var present = found is not null && found.Kind != "none";
        attributes["state"] = Value.String(present ? "present" : "absent");
        attributes["id"] = Value.String(IdOf(schema.Type, inputs, string.Empty)!);
        var sensitive = inputs.Known("content") is { ContainsSensitive: true };
        if (found?.Stat is { } stat)
        {
            attributes["owner"] = Value.String(IsNumber(inputs.Text("owner")) ? stat.Uid : stat.Owner);
            attributes["group"] = Value.String(IsNumber(inputs.Text("group")) ? stat.Gid : stat.Group);
            attributes["mode"] = Value.String(FileModes.FromStat(stat.Mode));
        }
        else
        {
            attributes["owner"] = inputs.Known("owner") ?? Value.Null;
            attributes["group"] = inputs.Known("group") ?? Value.Null;
            attributes["mode"] = inputs.Text("mode") is { } mode && FileModes.TryNormalize(mode, out var normalized) ? Value.String(normalized) : Value.Null;
        }

        if (file)
        {
            attributes["sha256"] = found?.Sha256 is { } sha ? Value.String(sha).WithSensitivity(sensitive) : Value.Null;
            attributes["size"] = found?.Stat is { } s && found.Kind == "file" ? Value.Number(s.Size) : Value.Null;
        }

        return Value.Map(attributes);
    }

    private static bool IsNumber(string? text) => text is { Length: > 0 } && text.All(char.IsAsciiDigit);
}
