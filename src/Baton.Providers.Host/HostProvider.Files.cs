using System.Collections.Immutable;
using System.Globalization;
using Baton.Diagnostics;
using Baton.Values;

namespace Baton.Providers.Host;

/// <summary>
/// <c>host.file</c>, <c>host.template</c> and <c>host.directory</c>. A write first reads the path's state (one round
/// trip); when only the owner, group or mode differ it changes those in place, else it sends the content on the
/// standard input of one script that writes a temporary file beside the target, checks its size and SHA-256, gives
/// it its owner, group and mode, syncs it and renames it over the target — and prints the new state, so a write
/// costs two round trips. <see cref="PutFileAsync"/> is that write, for every resource and action that puts a file.
/// A read of a file fetches its content back (base64, in the same script as the check) when it is small enough.
/// </summary>
internal sealed partial class HostProvider
{
    /// <summary>A template that cannot be read or rendered (host.template).</summary>
    public const string TemplateCode = "BT5903";

    private static void PlanFile(Inputs inputs, ImmutableSortedDictionary<string, Value>.Builder planned) =>
        PlanContent(inputs, planned, planned["content"]);

    private void PlanTemplate(Inputs inputs, ImmutableSortedDictionary<string, Value>.Builder planned, string address, ref ImmutableArray<Diagnostic> diagnostics)
    {
        Value content = Value.Unknown(BatonType.String);
        if (inputs.Text("state") == "absent")
        {
            content = Value.Null;
        }
        else if (RenderTemplate(inputs, out var error) is { } rendered)
        {
            content = rendered;
        }
        else if (error is not null)
        {
            diagnostics = diagnostics.Add(Diagnostic.Error(TemplateCode, error) with { Subject = address });
        }

        planned["content"] = content;
        PlanContent(inputs, planned, content);
    }

    /// <summary>The sha256 and size a file with <paramref name="content"/> has (unknown when it is).</summary>
    private static void PlanContent(Inputs inputs, ImmutableSortedDictionary<string, Value>.Builder planned, Value content)
    {
        NormalizeMode(planned);
        if (inputs.Text("state") == "absent")
        {
            MarkAbsent(inputs, planned);
            planned["sha256"] = Value.Null;
            planned["size"] = Value.Null;
            return;
        }

        if (!content.IsKnown)
        {
            planned["sha256"] = Value.Unknown(BatonType.String);
            planned["size"] = Value.Unknown(BatonType.Number);
            return;
        }

        // The hash of a secret is as sensitive as the secret: a short password is found again from its SHA-256.
        var body = FileBody.Of(content.AsString());
        planned["sha256"] = Value.String(body.Sha256).WithSensitivity(content.ContainsSensitive);
        planned["size"] = Value.Number(body.Size);
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
        if (planned.TryGetValue("mode", out var mode) && mode.Kind == ValueKind.String && FileModes.TryNormalize(mode.AsString(), out var normalized))
        {
            planned["mode"] = Value.String(normalized);
        }
    }

    /// <summary>What a resource that must be absent has: no owner, group or mode unless the stack set them.</summary>
    private static void MarkAbsent(Inputs inputs, ImmutableSortedDictionary<string, Value>.Builder planned)
    {
        foreach (var name in new[] { "owner", "group", "mode" })
        {
            if (planned.ContainsKey(name) && inputs.Known(name) is null)
            {
                planned[name] = Value.Null;
            }
        }
    }

    /// <summary>
    /// The template of a host.template rendered over its vars and <c>host</c>; null when something it needs is not
    /// known yet (<paramref name="error"/> null) or it does not render (<paramref name="error"/> says why, with the
    /// template's line and column).
    /// </summary>
    private Value? RenderTemplate(Inputs inputs, out string? error)
    {
        error = null;
        var vars = inputs.Map.TryGetValue("vars", out var given) && given.Kind != ValueKind.Null ? given : Value.EmptyMap;
        if (inputs.Text("source") is not { } source || inputs.Text("host") is not { } name || !vars.IsWhollyKnown || vars.Kind != ValueKind.Map)
        {
            return null;
        }

        if (!options.Inventory.TryGetValue(name, out var host))
        {
            return null;
        }

        if (options.Templates is null)
        {
            error = "this host renders no templates (host.template needs Baton's template renderer)";
            return null;
        }

        var rendered = options.Templates.Render(source, Value.Map(vars.AsMap().SetItem("host", HostRoot(host))), out error);
        return rendered is { IsKnown: true } ? rendered : null;
    }

    /// <summary>
    /// What a template sees as <c>host</c>: the inventory's name, address, port, user, group and vars of the host, and
    /// its facts as last gathered in this run (the engine gathers them before it plans), else unknown.
    /// </summary>
    private Value HostRoot(InventoryHost host) => Value.Map(
    [
        new("name", Value.String(host.Name)),
        new("address", Value.String(host.Address)),
        new("port", Value.Number(host.Port)),
        new("user", Value.String(host.User)),
        new("group", host.Group is { } group ? Value.String(group) : Value.Null),
        new("vars", host.Vars),
        new("facts", GatheredFacts(host) ?? Value.UnknownAny),
    ]);

    private async Task<(Value?, ProviderError?)> ApplyFileAsync(InventoryHost host, string address, string type, Inputs inputs, CancellationToken cancellationToken)
    {
        var schema = HostSchema.Provider.ResourceType(type)!;
        var path = inputs.Text("path")!;
        if (inputs.Text("state") == "absent")
        {
            var removed = await ScriptAsync(host, RemoteScripts.RemoveFile, [path], cancellationToken).ConfigureAwait(false);
            return removed.Succeeded ? (PathAttributes(schema, inputs, null, FileContent(type, inputs)), null) : (null, Failed(address, host, $"removing {path}", removed));
        }

        Value content;
        if (type == HostSchema.TemplateType)
        {
            if (RenderTemplate(inputs, out var error) is not { } rendered)
            {
                return (null, ProviderError.Permanent($"{address}: {error ?? "the template's vars are not known"}"));
            }

            content = rendered;
        }
        else
        {
            content = FileContent(type, inputs);
        }

        var (written, _, failure) = await PutFileAsync(host, address, path, FileBody.Of(content.AsString()), Ownership(inputs), makeDirectory: false, timeout: null, cancellationToken).ConfigureAwait(false);
        return failure is null ? (PathAttributes(schema, inputs, written, content), null) : (null, failure);
    }

    /// <summary>What content a host.file reports when it is not read back: the content given.</summary>
    private static Value FileContent(string type, Inputs inputs) =>
        type == HostSchema.TemplateType ? Value.Null : inputs.Known("content") is { Kind: ValueKind.String } text ? text : Value.EmptyString;

    /// <summary>The owner, group and mode asked for (each empty when not given), the mode with four digits.</summary>
    private static (string Owner, string Group, string Mode) Ownership(Inputs inputs) =>
        (inputs.Text("owner") ?? string.Empty, inputs.Text("group") ?? string.Empty, inputs.Text("mode") is { } given && FileModes.TryNormalize(given, out var normalized) ? normalized : string.Empty);

    /// <summary>
    /// Puts <paramref name="body"/> at <paramref name="path"/> with the owner, group and mode asked for: nothing is
    /// sent when the file already has the content (by SHA-256); only differing attributes are then changed. Gives
    /// the file's state after and whether anything changed.
    /// </summary>
    private async Task<(PathState? Found, bool Changed, ProviderError? Error)> PutFileAsync(
        InventoryHost host, string address, string path, FileBody body, (string Owner, string Group, string Mode) ownership, bool makeDirectory, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var (owner, group, mode) = ownership;
        var before = await ScriptAsync(host, RemoteScripts.PathState, [path], cancellationToken).ConfigureAwait(false);
        if (!before.Succeeded)
        {
            return (null, false, Failed(address, host, $"checking {path}", before));
        }

        var found = PathState.Parse(before.Stdout);
        RemoteResult after;
        if (found.Kind == "file" && found.Sha256 == body.Sha256)
        {
            if (found.Matches(owner, group, mode))
            {
                return (found, false, null);
            }

            after = await ScriptAsync(host, RemoteScripts.SetAttributes, [path, owner, group, mode], cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var size = body.Size.ToString(CultureInfo.InvariantCulture);
            var script = RemoteShell.Script(RemoteScripts.WriteFile, [path, owner, group, mode, size, body.Sha256, makeDirectory ? "1" : "0"]);
            await using var content = body.Open();
            after = await Connection(host).RunAsync(script, content, output: null, timeout, cancellationToken).ConfigureAwait(false);
        }

        if (!after.Succeeded)
        {
            return (null, false, Failed(address, host, $"writing {path}", after));
        }

        var written = PathState.Parse(after.Stdout);
        return written.Kind == "file"
            ? (written, true, null)
            : (null, false, ProviderError.Transient($"{address}: on {host.Display}: {path} was not a file right after it was written"));
    }

    /// <summary>
    /// Reads a file or template (fetching a small file's content back), or a directory, in one round trip; the other
    /// kind at the path is an error unless the path should be absent.
    /// </summary>
    private async Task<(Value?, ProviderError?)> ReadPathAsync(InventoryHost host, string address, string type, Inputs inputs, ImmutableSortedDictionary<string, Value>? prior, CancellationToken cancellationToken)
    {
        var schema = HostSchema.Provider.ResourceType(type)!;
        var file = type != HostSchema.DirectoryType;
        var path = inputs.Text("path")!;
        var readBack = file ? HostSchema.MaxReadBackBytes.ToString(CultureInfo.InvariantCulture) : "0";
        var result = await ScriptAsync(host, RemoteScripts.PathState, [path, readBack], cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return (null, Failed(address, host, $"checking {path}", result));
        }

        var found = PathState.Parse(result.Stdout);
        var kind = file ? "file" : "directory";
        var wantAbsent = inputs.Text("state") == "absent";
        var content = file ? ReadContent(type, inputs, prior) : null;
        return found.Kind switch
        {
            "none" => (wantAbsent ? PathAttributes(schema, inputs, null, content) : null, null),
            _ when found.Kind == kind || wantAbsent => (PathAttributes(schema, inputs, found, content), null),
            _ => (null, ProviderError.Permanent($"{address}: on {host.Display}: {path} is a {found.Kind}, not a {kind}")),
        };
    }

    /// <summary>
    /// The content a read reports when the file's own is not fetched back (too big, or not UTF-8): the content given
    /// for host.file; for host.template what was last written, or what the template renders now. Sensitive when what
    /// is written is, so content read back is too.
    /// </summary>
    private Value ReadContent(string type, Inputs inputs, ImmutableSortedDictionary<string, Value>? prior)
    {
        if (type != HostSchema.TemplateType)
        {
            return FileContent(type, inputs);
        }

        var rendered = RenderTemplate(inputs, out _);
        var last = prior is not null && prior.TryGetValue("content", out var written) && written.Kind == ValueKind.String ? written : null;
        var sensitive = rendered is { ContainsSensitive: true } || last is { ContainsSensitive: true } || inputs.Known("vars") is { ContainsSensitive: true };
        return (last ?? rendered ?? Value.Null).WithSensitivity(sensitive);
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
            return removed.Succeeded ? (PathAttributes(HostSchema.Directory, inputs, null, null), null) : (null, Failed(address, host, $"removing {path}", removed));
        }

        var (owner, group, mode) = Ownership(inputs);
        var result = await ScriptAsync(host, RemoteScripts.MakeDirectory, [path, owner, group, mode], cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return (null, Failed(address, host, $"making {path}", result));
        }

        var found = PathState.Parse(result.Stdout);
        return found.Kind == "directory"
            ? (PathAttributes(HostSchema.Directory, inputs, found, null), null)
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
    /// The attributes of a file, template or directory resource given what is at its path (<paramref name="found"/>;
    /// null: nothing): the inputs as set, <c>state</c> as found, and owner, group, mode, sha256 and size as found. A
    /// file's content is what was read back, else <paramref name="content"/>, sensitive when that is.
    /// </summary>
    private static Value PathAttributes(ResourceTypeSchema schema, Inputs inputs, PathState? found, Value? content)
    {
        var attributes = new Dictionary<string, Value>(StringComparer.Ordinal);
        foreach (var attribute in schema.Attributes.Where(a => !a.Computed))
        {
            var value = inputs.Known(attribute.Name) ?? attribute.Default ?? Value.Null;
            attributes[attribute.Name] = attribute.Sensitive ? value.AsSensitive() : value;
        }

        var present = found is not null && found.Kind != "none";
        attributes["state"] = Value.String(present ? "present" : "absent");
        attributes["id"] = Value.String(IdOf(schema.Type, inputs, string.Empty)!);
        var sensitive = content is { ContainsSensitive: true };
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

        if (content is not null)
        {
            attributes["content"] = found?.Text is { } text ? Value.String(text).WithSensitivity(sensitive) : content;
            attributes["sha256"] = found?.Sha256 is { } sha ? Value.String(sha).WithSensitivity(sensitive) : Value.Null;
            attributes["size"] = found?.Stat is { } s && found.Kind == "file" ? Value.Number(s.Size) : Value.Null;
        }

        return Value.Map(attributes);
    }

    private static void ValidateTemplate(Inputs inputs, List<string> errors)
    {
        ValidatePath(inputs, errors, directory: false);
        ValidateOwnership(inputs, errors);
        ValidateState(inputs, errors, "present", "absent");
        if (inputs.Known("source") is { } source && (source.Kind != ValueKind.String || source.AsString().Trim().Length == 0))
        {
            errors.Add($"source: expected a template file's path relative to the stack directory, got {source}");
        }

        if (inputs.Known("vars") is { } vars)
        {
            if (vars.Kind != ValueKind.Map)
            {
                errors.Add($"vars: expected a map, got {vars.WithoutSensitivity().ToDisplayString()}");
            }
            else if (vars.AsMap().ContainsKey("host"))
            {
                errors.Add("vars: \"host\" cannot be a var: templates see the host itself as host (host.name, host.address, host.vars…)");
            }
        }
    }

    private static bool IsNumber(string? text) => text is { Length: > 0 } && text.All(char.IsAsciiDigit);
}
