using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Baton.Values;

namespace Baton.Providers.Host;

/// <summary>
/// <c>host.package</c>: read with one dpkg-query per name inside one script (one round trip; with state latest also
/// apt-cache policy), changed with one apt-get call for every name. Package operations on one host take turns, as
/// dpkg holds one lock.
/// </summary>
internal sealed partial class HostProvider
{
    private static readonly Regex PackageName = new("^[a-z0-9][a-z0-9+.-]+(:[a-z0-9-]+)?$", RegexOptions.CultureInvariant);
    private static readonly Regex PackageVersion = new("^[A-Za-z0-9.+~:-]+$", RegexOptions.CultureInvariant);

    private static IReadOnlyList<string>? PackageNames(Inputs inputs) =>
        inputs.Text("name") is { } name ? [name] : inputs.Strings("names");

    private static void ValidatePackage(Inputs inputs, List<string> errors)
    {
        var hasName = inputs.Map.TryGetValue("name", out var name) && name.Kind != ValueKind.Null;
        var hasNames = inputs.Map.TryGetValue("names", out var names) && names.Kind != ValueKind.Null;
        if (hasName == hasNames)
        {
            errors.Add("give the package as name, or several as names (one of the two)");
        }

        if (inputs.Known("name") is { } one && (one.Kind != ValueKind.String || !PackageName.IsMatch(one.AsString())))
        {
            errors.Add($"name: \"{one.ToDisplayString()}\" is not a Debian package name");
        }

        if (inputs.Known("names") is { IsWhollyKnown: true } many)
        {
            if (many.Kind != ValueKind.List || many.AsList().IsEmpty || many.AsList().Any(n => n.Kind != ValueKind.String || !PackageName.IsMatch(n.AsString())))
            {
                errors.Add($"names: expected a non-empty list of Debian package names, got {many}");
            }
        }

        ValidateState(inputs, errors, "present", "latest", "absent");
        if (inputs.Known("version") is { } version)
        {
            if (version.Kind != ValueKind.String || !PackageVersion.IsMatch(version.AsString()))
            {
                errors.Add($"version: \"{version.ToDisplayString()}\" is not a Debian version");
            }

            if (hasNames || (inputs.Text("state") ?? "present") != "present")
            {
                errors.Add("version: a version pin needs one name and state present");
            }
        }
    }

    private static void PlanPackage(Inputs inputs, ImmutableSortedDictionary<string, Value>? prior, ImmutableSortedDictionary<string, Value>.Builder planned)
    {
        var names = PackageNames(inputs);
        var state = inputs.Text("state") ?? "present";
        planned["outdated"] = Value.EmptyList;
        if (names is null)
        {
            planned["installed"] = Value.Unknown(BatonType.MapOf(BatonType.String));
            return;
        }

        var before = prior is not null && prior.TryGetValue("installed", out var found) && found.Kind == ValueKind.Map ? found.AsMap() : null;
        switch (state)
        {
            case "absent":
                planned["installed"] = Value.EmptyMap;
                break;
            case "present" when inputs.Text("version") is { } version:
                planned["installed"] = Value.Map([new(names[0], Value.String(version))]);
                break;
            default:
                // Any version will do (present), or apt's candidate (latest): the versions found are kept; a package
                // that is missing (or outdated) will be installed at a version known only after the install.
                var outdated = prior is not null && prior.TryGetValue("outdated", out var o) && o.Kind == ValueKind.List
                    ? o.AsList().Where(n => n.Kind == ValueKind.String).Select(n => n.AsString()).ToHashSet(StringComparer.Ordinal)
                    : [];
                planned["installed"] = before is null
                    ? Value.Unknown(BatonType.MapOf(BatonType.String))
                    : Value.Map(names.Select(n => new KeyValuePair<string, Value>(
                        n, before.TryGetValue(n, out var version) && !outdated.Contains(n) ? version : Value.Unknown(BatonType.String))));
                break;
        }
    }

    private async Task<(Value?, ProviderError?)> ApplyPackageAsync(InventoryHost host, string address, Inputs inputs, CancellationToken cancellationToken)
    {
        var names = PackageNames(inputs)!;
        var state = inputs.Text("state") ?? "present";
        var gate = _packageLocks.GetOrAdd(host.Name, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (found, error) = await PackageStateAsync(host, address, names, state == "latest", cancellationToken).ConfigureAwait(false);
            if (error is not null)
            {
                return (null, error);
            }

            if (state == "absent")
            {
                var installed = names.Where(n => found!.Installed.ContainsKey(n)).ToList();
                if (installed.Count > 0)
                {
                    var removed = await RunAsync(host, AptGet("remove", installed), cancellationToken).ConfigureAwait(false);
                    if (!removed.Succeeded)
                    {
                        return (null, Failed(address, host, $"apt-get remove {string.Join(' ', installed)}", removed));
                    }
                }
            }
            else
            {
                var version = inputs.Text("version");
                var wanted = names.Where(n => !found!.Installed.TryGetValue(n, out var v) || (version is not null && v != version) || found.Outdated.Contains(n)).ToList();
                if (wanted.Count > 0)
                {
                    if (inputs.Flag("update_cache"))
                    {
                        var updated = await RunAsync(host, ["env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "update", "-q"], cancellationToken).ConfigureAwait(false);
                        if (!updated.Succeeded)
                        {
                            return (null, Failed(address, host, "apt-get update", updated));
                        }
                    }

                    var targets = version is null ? wanted : [.. wanted.Select(n => $"{n}={version}")];
                    var installedNow = await RunAsync(host, AptGet("install", targets), cancellationToken).ConfigureAwait(false);
                    if (!installedNow.Succeeded)
                    {
                        return (null, Failed(address, host, $"apt-get install {string.Join(' ', targets)}", installedNow));
                    }
                }
            }

            var (after, afterError) = await PackageStateAsync(host, address, names, state == "latest", cancellationToken).ConfigureAwait(false);
            return afterError is not null ? (null, afterError) : (PackageAttributes(inputs, after!), null);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<(Value?, ProviderError?)> ReadPackageAsync(InventoryHost host, string address, Inputs inputs, CancellationToken cancellationToken)
    {
        var names = PackageNames(inputs)!;
        var (found, error) = await PackageStateAsync(host, address, names, inputs.Text("state") == "latest", cancellationToken).ConfigureAwait(false);
        return error is not null ? (null, error) : (PackageAttributes(inputs, found!), null);
    }

    private async Task<ProviderError?> DeletePackageAsync(InventoryHost host, string address, Inputs inputs, CancellationToken cancellationToken)
    {
        if (inputs.Text("state") == "absent" || PackageNames(inputs) is not { } names)
        {
            return null;
        }

        var gate = _packageLocks.GetOrAdd(host.Name, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (found, error) = await PackageStateAsync(host, address, names, false, cancellationToken).ConfigureAwait(false);
            if (error is not null)
            {
                return error;
            }

            var installed = names.Where(found!.Installed.ContainsKey).ToList();
            if (installed.Count == 0)
            {
                return null;
            }

            var removed = await RunAsync(host, AptGet("remove", installed), cancellationToken).ConfigureAwait(false);
            return removed.Succeeded ? null : Failed(address, host, $"apt-get remove {string.Join(' ', installed)}", removed);
        }
        finally
        {
            gate.Release();
        }
    }

    private static List<string> AptGet(string verb, IEnumerable<string> targets) =>
    [
        "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", verb, "-y", "-q",
        "-o", "DPkg::Lock::Timeout=120", "-o", "Dpkg::Options::=--force-confdef", "-o", "Dpkg::Options::=--force-confold",
        .. verb == "install" ? new[] { "--allow-downgrades" } : [],
        .. targets,
    ];

    private async Task<(PackageState?, ProviderError?)> PackageStateAsync(InventoryHost host, string address, IReadOnlyList<string> names, bool latest, CancellationToken cancellationToken)
    {
        var result = await ScriptAsync(host, RemoteScripts.PackageState, [latest ? "1" : "0", .. names], cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return (null, Failed(address, host, "checking the packages with dpkg-query", result));
        }

        var installed = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var candidates = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ');
            if (fields is ["pkg", var name, "ii", var version] && version.Length > 0)
            {
                installed[name] = version;
            }
            else if (fields is ["candidate", var candidateOf, var candidate])
            {
                candidates[candidateOf] = candidate;
            }
        }

        var outdated = latest
            ? names.Where(n => !installed.TryGetValue(n, out var v) || (candidates.TryGetValue(n, out var c) && c.Length > 0 && c != "(none)" && c != v)).ToList()
            : [];
        return (new PackageState(installed, outdated), null);
    }

    private static Value PackageAttributes(Inputs inputs, PackageState state)
    {
        var attributes = new Dictionary<string, Value>(StringComparer.Ordinal);
        foreach (var attribute in HostSchema.Package.Attributes.Where(a => !a.Computed))
        {
            attributes[attribute.Name] = inputs.Known(attribute.Name) ?? attribute.Default ?? Value.Null;
        }

        attributes["id"] = Value.String(IdOf(HostSchema.PackageType, inputs, string.Empty)!);
        attributes["installed"] = Value.Map(state.Installed.Select(e => new KeyValuePair<string, Value>(e.Key, Value.String(e.Value))));
        attributes["outdated"] = Value.List(state.Outdated.Select(Value.String));
        return Value.Map(attributes);
    }

    private sealed record PackageState(SortedDictionary<string, string> Installed, List<string> Outdated);
}
