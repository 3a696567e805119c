using System.Collections.Concurrent;
using System.Collections.Immutable;
using Baton.Diagnostics;
using Baton.Values;

namespace Baton.Providers.Host;

/// <summary>
/// Configures remote hosts over SSH, agentless. Every resource names its host (a key of the inventory); the host's
/// one connection is opened on first use and shared by every operation of the instance. Checks run as one script
/// per resource that prints the whole state, so Read costs one round trip; writes are argument lists quoted for the
/// remote shell. A command that fails is a permanent error naming the host, the resource, the exit status and the
/// command's stderr; a host that cannot be reached is a transient one.
/// </summary>
internal sealed partial class HostProvider(HostOptions options) : IProvider
{
    /// <summary>A resource type the host provider does not offer, or an input of the wrong kind or form.</summary>
    public const string InvalidInputCode = "BT5901";

    /// <summary>A host name that is not in the inventory.</summary>
    public const string UnknownHostCode = "BT5902";

    private readonly ForkGate _forks = new(options.Forks);
    private readonly ConcurrentDictionary<string, HostConnection> _connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _packageLocks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _fileLocks = new(StringComparer.Ordinal);

    // host.exec leaves no object on the host to find again: the instance remembers what its creates returned (by
    // idempotency key, so a retried create does not run the command twice) and which execs it deleted.
    private readonly ConcurrentDictionary<string, Value> _execCreates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _execDeleted = new(StringComparer.Ordinal);

    public ProviderSchema Schema => HostSchema.Provider;

    /// <summary>The connection to the inventory host <paramref name="name"/>, or null when there is no such host.</summary>
    internal HostConnection? ConnectionTo(string name) =>
        options.Inventory.TryGetValue(name, out var host) ? Connection(host) : null;

    /// <summary>The connection to <paramref name="host"/> (not opened until used).</summary>
    internal HostConnection Connection(InventoryHost host) =>
        _connections.GetOrAdd(host.Name, _ => new HostConnection(host, options, _forks));

    public ValueTask<ValidateResult> ValidateAsync(ValidateRequest request, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        var unknownHost = false;
        if (HostSchema.Provider.ResourceType(request.Type) is null)
        {
            errors.Add($"the host provider has no resource type \"{request.Type}\"");
        }
        else
        {
            var inputs = new Inputs(request.Inputs);
            if (inputs.Known("host") is { } host)
            {
                if (host.Kind != ValueKind.String)
                {
                    errors.Add($"host: expected a host name, got {host}");
                }
                else if (!options.Inventory.ContainsKey(host.AsString()))
                {
                    unknownHost = true;
                    errors.Add(UnknownHost(host.AsString()));
                }
            }

            Validate(request.Type, inputs, errors);
        }

        var diagnostics = errors
            .Select((e, i) => Diagnostic.Error(unknownHost && i == 0 ? UnknownHostCode : InvalidInputCode, e) with { Subject = request.Address })
            .ToImmutableArray();
        return ValueTask.FromResult(new ValidateResult(diagnostics));
    }

    public ValueTask<PlanResult> PlanAsync(PlanRequest request, CancellationToken cancellationToken)
    {
        if (HostSchema.Provider.ResourceType(request.Type) is not { } schema)
        {
            return ValueTask.FromResult(new PlanResult
            {
                PlannedAttributes = Value.EmptyMap,
                Diagnostics = [Diagnostic.Error(InvalidInputCode, $"the host provider has no resource type \"{request.Type}\"") with { Subject = request.Address }],
            });
        }

        var plan = ResourcePlanning.Plan(schema, request);
        var planned = plan.PlannedAttributes.AsMap().ToBuilder();
        var inputs = new Inputs(request.Inputs);
        var prior = request.PriorAttributes is { Kind: ValueKind.Map } p ? p.AsMap() : null;
        if (request.Type == HostSchema.LineType && LineReplaced(inputs, request.PriorInputs) is { } changed)
        {
            plan = plan with { RequiresReplace = plan.RequiresReplace.Add(changed) };
        }

        var diagnostics = plan.Diagnostics;
        var replacing = !plan.RequiresReplace.IsEmpty || prior is null;
        planned["id"] = replacing ? IdOf(request.Type, inputs, request.Address) is { } id ? Value.String(id) : Value.Unknown(BatonType.String) : planned["id"];
        switch (request.Type)
        {
            case HostSchema.FileType:
                PlanFile(inputs, planned);
                break;
            case HostSchema.TemplateType:
                PlanTemplate(inputs, planned, request.Address, ref diagnostics);
                break;
            case HostSchema.LinkType:
                PlanLink(inputs, planned);
                break;
            case HostSchema.CronType:
                PlanCron(inputs, planned);
                break;
            case HostSchema.DirectoryType:
                PlanDirectory(inputs, planned);
                break;
            case HostSchema.ExecType:
                PlanExec(request, planned);
                break;
            case HostSchema.PackageType:
                PlanPackage(inputs, prior, planned);
                break;
            case HostSchema.UserType:
            case HostSchema.GroupType:
                PlanAccount(inputs, planned);
                break;
            default:
                break;
        }

        return ValueTask.FromResult(plan with { PlannedAttributes = Value.Map(planned), Diagnostics = diagnostics });
    }

    public async ValueTask<ResourceResult> CreateAsync(CreateRequest request, CancellationToken cancellationToken)
    {
        if (request.Type != HostSchema.ExecType)
        {
            return await ApplyAsync(request.Type, request.Address, request.Inputs, cancellationToken).ConfigureAwait(false);
        }

        if (_execCreates.TryGetValue(request.IdempotencyKey, out var done))
        {
            return ResourceResult.Success(done.AsMap()["id"].AsString(), done);
        }

        var result = await ApplyAsync(request.Type, request.Address, request.Inputs, cancellationToken).ConfigureAwait(false);
        if (result.Error is null)
        {
            if (_execCreates.Count >= 10_000)
            {
                _execCreates.Clear();
            }

            _execCreates[request.IdempotencyKey] = result.Attributes!;
            _execDeleted.TryRemove(result.Id!, out _);
        }

        return result;
    }

    public async ValueTask<ResourceResult> UpdateAsync(UpdateRequest request, CancellationToken cancellationToken) =>
        await ApplyAsync(request.Type, request.Address, request.Inputs, cancellationToken).ConfigureAwait(false);

    private async Task<ResourceResult> ApplyAsync(string type, string address, Value inputValue, CancellationToken cancellationToken)
    {
        var inputs = new Inputs(inputValue);
        if (Target(type, address, inputs, out var host) is { } error)
        {
            return ResourceResult.Failure(error);
        }

        try
        {
            var (attributes, failure) = type switch
            {
                HostSchema.FileType or HostSchema.TemplateType => await ApplyFileAsync(host!, address, type, inputs, cancellationToken).ConfigureAwait(false),
                HostSchema.LinkType => await ApplyLinkAsync(host!, address, inputs, cancellationToken).ConfigureAwait(false),
                HostSchema.LineType => await ApplyLineAsync(host!, address, inputs, cancellationToken).ConfigureAwait(false),
                HostSchema.CronType => await ApplyCronAsync(host!, address, inputs, cancellationToken).ConfigureAwait(false),
                HostSchema.DirectoryType => await ApplyDirectoryAsync(host!, address, inputs, cancellationToken).ConfigureAwait(false),
                HostSchema.ExecType => await ApplyExecAsync(host!, address, inputs, cancellationToken).ConfigureAwait(false),
                HostSchema.PackageType => await ApplyPackageAsync(host!, address, inputs, cancellationToken).ConfigureAwait(false),
                HostSchema.ServiceType => await ApplyServiceAsync(host!, address, inputs, cancellationToken).ConfigureAwait(false),
                HostSchema.UserType => await ApplyUserAsync(host!, address, inputs, cancellationToken).ConfigureAwait(false),
                HostSchema.GroupType => await ApplyGroupAsync(host!, address, inputs, cancellationToken).ConfigureAwait(false),
                _ => (null, ProviderError.Permanent($"the host provider has no resource type \"{type}\"")),
            };
            return failure is not null ? ResourceResult.Failure(Scrubbed(failure, inputValue)) : ResourceResult.Success(IdOf(type, inputs, address)!, attributes!);
        }
        catch (RemoteHostException exception)
        {
            return ResourceResult.Failure(Scrubbed(exception.Error with { Message = $"{address}: {exception.Error.Message}" }, inputValue));
        }
    }

    public async ValueTask<ReadResult> ReadAsync(ReadRequest request, CancellationToken cancellationToken)
    {
        var known = request.Inputs ?? request.Attributes;
        var inputs = new Inputs(known);
        if (inputs.Known("host") is null && request.Id is { } id && SplitId(id) is { } parts)
        {
            inputs = inputs.With("host", Value.String(parts.Host));
        }

        if (HostSchema.Provider.ResourceType(request.Type) is null)
        {
            return ReadResult.Failure(ProviderError.Permanent($"the host provider has no resource type \"{request.Type}\""));
        }

        if (inputs.Known("host") is not { Kind: ValueKind.String } hostName || IdOf(request.Type, inputs, request.Address) is not { } resourceId)
        {
            return ReadResult.Gone;
        }

        if (!options.Inventory.TryGetValue(hostName.AsString(), out var host))
        {
            return ReadResult.Failure(ProviderError.Permanent($"{request.Address}: {UnknownHost(hostName.AsString())}"));
        }

        var prior = request.Attributes is { Kind: ValueKind.Map } a ? a.AsMap() : null;
        if (request.Type == HostSchema.ExecType)
        {
            if (_execDeleted.ContainsKey(resourceId) || inputs.Known("command") is null)
            {
                return ReadResult.Gone;
            }

            if (prior is null && request.IdempotencyKey is { } key && _execCreates.TryGetValue(key, out var made))
            {
                prior = made.AsMap();
            }
        }

        try
        {
            var (attributes, failure) = request.Type switch
            {
                HostSchema.FileType or HostSchema.TemplateType or HostSchema.DirectoryType => await ReadPathAsync(host, request.Address, request.Type, inputs, prior, cancellationToken).ConfigureAwait(false),
                HostSchema.LinkType => await ReadLinkAsync(host, request.Address, inputs, cancellationToken).ConfigureAwait(false),
                HostSchema.LineType => await ReadLineAsync(host, request.Address, inputs, cancellationToken).ConfigureAwait(false),
                HostSchema.CronType => await ReadCronAsync(host, request.Address, inputs, cancellationToken).ConfigureAwait(false),
                HostSchema.ExecType => await ReadExecAsync(host, request.Address, inputs, prior, cancellationToken).ConfigureAwait(false),
                HostSchema.PackageType => await ReadPackageAsync(host, request.Address, inputs, cancellationToken).ConfigureAwait(false),
                HostSchema.ServiceType => await ReadServiceAsync(host, request.Address, inputs, cancellationToken).ConfigureAwait(false),
                HostSchema.UserType => await ReadUserAsync(host, request.Address, inputs, cancellationToken).ConfigureAwait(false),
                HostSchema.GroupType => await ReadGroupAsync(host, request.Address, inputs, cancellationToken).ConfigureAwait(false),
                _ => (null, null),
            };
            if (failure is not null)
            {
                return ReadResult.Failure(Scrubbed(failure, known ?? Value.Null));
            }

            return attributes is null ? ReadResult.Gone : ReadResult.Found(resourceId, attributes);
        }
        catch (RemoteHostException exception)
        {
            return ReadResult.Failure(exception.Error with { Message = $"{request.Address}: {exception.Error.Message}" });
        }
    }

    public async ValueTask<DeleteResult> DeleteAsync(DeleteRequest request, CancellationToken cancellationToken)
    {
        var inputs = new Inputs(request.Attributes);
        if (inputs.Known("host") is null && SplitId(request.Id) is { } parts)
        {
            inputs = inputs.With("host", Value.String(parts.Host));
        }

        if (Target(request.Type, request.Address, inputs, out var host) is { } error)
        {
            return new DeleteResult(error);
        }

        try
        {
            var failure = request.Type switch
            {
                HostSchema.FileType or HostSchema.TemplateType => await DeleteFileAsync(host!, request.Address, inputs, cancellationToken).ConfigureAwait(false),
                HostSchema.LinkType => await DeleteLinkAsync(host!, request.Address, inputs, cancellationToken).ConfigureAwait(false),
                HostSchema.LineType => await DeleteLineAsync(host!, request.Address, inputs, cancellationToken).ConfigureAwait(false),
                HostSchema.CronType => await DeleteCronAsync(host!, request.Address, inputs, cancellationToken).ConfigureAwait(false),
                HostSchema.DirectoryType => await DeleteDirectoryAsync(host!, request.Address, inputs, cancellationToken).ConfigureAwait(false),
                HostSchema.ExecType => ForgetExec(request.Id),
                HostSchema.PackageType => await DeletePackageAsync(host!, request.Address, inputs, cancellationToken).ConfigureAwait(false),
                HostSchema.ServiceType => null,
                HostSchema.UserType => await DeleteUserAsync(host!, request.Address, inputs, cancellationToken).ConfigureAwait(false),
                HostSchema.GroupType => await DeleteGroupAsync(host!, request.Address, inputs, cancellationToken).ConfigureAwait(false),
                _ => ProviderError.Permanent($"the host provider has no resource type \"{request.Type}\""),
            };
            return failure is null ? DeleteResult.Success : new DeleteResult(Scrubbed(failure, request.Attributes));
        }
        catch (RemoteHostException exception)
        {
            return new DeleteResult(exception.Error with { Message = $"{request.Address}: {exception.Error.Message}" });
        }
    }

    private ProviderError? ForgetExec(string id)
    {
        _execDeleted[id] = true;
        return null;
    }

    public ValueTask DisposeAsync()
    {
        foreach (var connection in _connections.Values)
        {
            connection.Dispose();
        }

        _connections.Clear();
        foreach (var host in options.Inventory.Values)
        {
            (host.Key as IDisposable)?.Dispose();
        }

        foreach (var gate in _packageLocks.Values.Concat(_fileLocks.Values))
        {
            gate.Dispose();
        }

        _forks.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>The host a call works on, or why it cannot.</summary>
    private ProviderError? Target(string type, string address, Inputs inputs, out InventoryHost? host)
    {
        host = null;
        if (HostSchema.Provider.ResourceType(type) is null)
        {
            return ProviderError.Permanent($"the host provider has no resource type \"{type}\"");
        }

        if (inputs.Known("host") is not { Kind: ValueKind.String } name)
        {
            return ProviderError.Permanent($"{address}: host must be a host name of the inventory");
        }

        if (!options.Inventory.TryGetValue(name.AsString(), out host))
        {
            return ProviderError.Permanent($"{address}: {UnknownHost(name.AsString())}");
        }

        var errors = new List<string>();
        Validate(type, inputs, errors);
        return errors.Count > 0 ? ProviderError.Permanent($"{address}: {string.Join("; ", errors)}") : null;
    }

    private string UnknownHost(string name) =>
        options.Inventory.IsEmpty
            ? $"host \"{name}\" is not in the inventory, which is empty"
            : $"host \"{name}\" is not in the inventory; the known hosts are {string.Join(", ", options.Inventory.Keys)}";

    /// <summary>Runs <paramref name="argv"/> on <paramref name="host"/>.</summary>
    private Task<RemoteResult> RunAsync(InventoryHost host, IReadOnlyList<string> argv, CancellationToken cancellationToken, ReadOnlyMemory<byte>? input = null, TimeSpan? timeout = null) =>
        Connection(host).RunAsync(argv, input, timeout, cancellationToken);

    /// <summary>Runs a script of <see cref="RemoteScripts"/> with <paramref name="arguments"/>.</summary>
    private Task<RemoteResult> ScriptAsync(InventoryHost host, string script, IEnumerable<string> arguments, CancellationToken cancellationToken, ReadOnlyMemory<byte>? input = null) =>
        RunAsync(host, RemoteShell.Script(script, arguments), cancellationToken, input);

    /// <summary>The error for a remote command that failed: the resource, the host, what was done, its exit status and stderr.</summary>
    private static ProviderError Failed(string address, InventoryHost host, string what, RemoteResult result)
    {
        var stderr = result.TrimmedStderr();
        var sudo = host.Become && stderr.StartsWith("sudo:", StringComparison.Ordinal) ? " (become: the login user must be allowed to sudo without a password)" : string.Empty;
        return ProviderError.Permanent($"{address}: on {host.Display}: {what} failed with {result.Describe()}" + (stderr.Length > 0 ? $": {stderr}" : string.Empty) + sudo);
    }

    private static ProviderError Scrubbed(ProviderError error, Value sources) =>
        error with { Message = SensitiveText.Scrub(error.Message, sources) };

    /// <summary>The resource's id from its inputs: HOST:KIND:NAME.</summary>
    private static string? IdOf(string type, Inputs inputs, string address)
    {
        if (inputs.Known("host") is not { Kind: ValueKind.String } host)
        {
            return null;
        }

        var kind = type["host.".Length..];
        string? name = type switch
        {
            HostSchema.FileType or HostSchema.TemplateType or HostSchema.DirectoryType or HostSchema.LinkType => inputs.Text("path"),
            HostSchema.LineType => inputs.Text("path") is { } path && LineKey(inputs) is { } key ? $"{path}:{key}" : null,
            HostSchema.CronType => inputs.Text("name"),
            HostSchema.PackageType => PackageNames(inputs) is { Count: > 0 } names ? string.Join(",", names) : null,
            HostSchema.ServiceType or HostSchema.UserType or HostSchema.GroupType => inputs.Text("name"),
            HostSchema.ExecType => address,
            _ => null,
        };
        return name is null ? null : $"{host.AsString()}:{kind}:{name}";
    }

    /// <summary>
    /// Splits HOST:KIND:NAME at the first <c>:KIND:</c> of a host resource type, so a host name may hold colons
    /// (<c>127.0.0.1:2202</c>, the address as written in hosts:).
    /// </summary>
    private static (string Host, string Remainder)? SplitId(string id)
    {
        var best = -1;
        foreach (var type in HostSchema.Provider.ResourceTypes)
        {
            var marker = ":" + type.Type["host.".Length..] + ":";
            var at = id.IndexOf(marker, StringComparison.Ordinal);
            if (at > 0 && (best < 0 || at < best))
            {
                best = at;
            }
        }

        return best > 0 ? (id[..best], id[(best + 1)..]) : null;
    }

    private static void Validate(string type, Inputs inputs, List<string> errors)
    {
        switch (type)
        {
            case HostSchema.FileType:
            case HostSchema.DirectoryType:
                ValidatePath(inputs, errors, type == HostSchema.DirectoryType);
                ValidateOwnership(inputs, errors);
                ValidateState(inputs, errors, "present", "absent");
                break;
            case HostSchema.TemplateType:
                ValidateTemplate(inputs, errors);
                break;
            case HostSchema.LinkType:
                ValidateLink(inputs, errors);
                break;
            case HostSchema.LineType:
                ValidateLine(inputs, errors);
                break;
            case HostSchema.CronType:
                ValidateCron(inputs, errors);
                break;
            case HostSchema.ExecType:
                ValidateExec(inputs, errors);
                break;
            case HostSchema.PackageType:
                ValidatePackage(inputs, errors);
                break;
            case HostSchema.ServiceType:
                ValidateService(inputs, errors);
                break;
            case HostSchema.UserType:
            case HostSchema.GroupType:
                ValidateAccount(type, inputs, errors);
                break;
            default:
                break;
        }
    }

    private static void ValidateState(Inputs inputs, List<string> errors, params string[] allowed)
    {
        if (inputs.Known("state") is { } state && (state.Kind != ValueKind.String || !allowed.Contains(state.AsString(), StringComparer.Ordinal)))
        {
            errors.Add($"state: expected {string.Join(" or ", allowed)}, got {state}");
        }
    }

    private static void ValidatePath(Inputs inputs, List<string> errors, bool directory)
    {
        if (inputs.Known("path") is not { } path)
        {
            return;
        }

        if (path.Kind != ValueKind.String || !path.AsString().StartsWith('/') || path.AsString().Contains('\0', StringComparison.Ordinal))
        {
            errors.Add($"path: expected an absolute path such as \"/etc/motd\", got {path}");
        }
        else if (path.AsString().TrimEnd('/').Length == 0 || (!directory && path.AsString().EndsWith('/')))
        {
            errors.Add($"path: \"{path.AsString()}\" names no {(directory ? "directory but the root" : "file")}");
        }
    }

    private static void ValidateOwnership(Inputs inputs, List<string> errors, bool withMode = true)
    {
        foreach (var name in new[] { "owner", "group" })
        {
            if (inputs.Known(name) is { } value && (value.Kind != ValueKind.String || !IsAccountName(value.AsString())))
            {
                errors.Add($"{name}: expected a {(name == "owner" ? "user" : "group")} name or number, got {value}");
            }
        }

        if (withMode && inputs.Known("mode") is { } mode && (mode.Kind != ValueKind.String || !FileModes.TryNormalize(mode.AsString(), out _)))
        {
            errors.Add($"mode: expected an octal mode such as \"0644\", got {mode}");
        }
    }

    /// <summary>Whether <paramref name="name"/> is a user or group name (as shadow-utils allows) or a number.</summary>
    private static bool IsAccountName(string name) =>
        name.Length is > 0 and <= 64 && name[0] != '-' && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' || (c == '$' && name[^1] == '$'));

    /// <summary>The map of a resource's inputs or attributes, with lookups that treat null and unknown as not given.</summary>
    private readonly struct Inputs(Value? value)
    {
        public ImmutableSortedDictionary<string, Value> Map { get; } = value is { Kind: ValueKind.Map } ? value.AsMap() : Value.EmptyMap.AsMap();

        public Value? Known(string name) =>
            Map.TryGetValue(name, out var found) && found.Kind is not (ValueKind.Null or ValueKind.Unknown) ? found : null;

        public string? Text(string name) => Known(name) is { Kind: ValueKind.String } text ? text.AsString() : null;

        public bool Flag(string name, bool fallback = false) => Known(name) is { Kind: ValueKind.Bool } flag ? flag.AsBool() : fallback;

        public IReadOnlyList<string>? Strings(string name) =>
            Known(name) is { Kind: ValueKind.List } list && list.AsList().All(i => i.Kind == ValueKind.String) ? [.. list.AsList().Select(i => i.AsString())] : null;

        public IReadOnlyList<KeyValuePair<string, string>>? StringMap(string name) =>
            Known(name) is { Kind: ValueKind.Map } map && map.AsMap().Values.All(i => i.Kind == ValueKind.String)
                ? [.. map.AsMap().Select(e => new KeyValuePair<string, string>(e.Key, e.Value.AsString()))]
                : null;

        public Inputs With(string name, Value added) => new(Value.Map(Map.SetItem(name, added)));
    }
}
