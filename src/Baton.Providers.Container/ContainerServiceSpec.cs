using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Baton.Replicas;
using Baton.Runtime;
using Baton.Values;

namespace Baton.Providers.Container;

/// <summary>
/// The inputs of a <c>container.service</c>, checked: what each container runs (image, command, env, mounts, networks,
/// limits, labels), how its port is published, and the shared replica settings. Unknown values (at plan time) are
/// skipped, not errors. Bind mount sources are resolved inside the provider's roots.
/// </summary>
internal sealed record ContainerServiceSpec
{
    public const string Bridge = "bridge";

    public const string Host = "host";

    public const string None = "none";

    /// <summary>Inputs whose change replaces every container; the replica settings (replicas, health…) do not.</summary>
    public static readonly string[] ReplacingInputs =
        ["image", "command", "entrypoint", "env", "working_dir", "mounts", "networks", "network_mode", "port", "container_port", "init", "limits", "labels"];

    public string Image { get; init; } = "";

    public ImmutableArray<string> Command { get; init; } = [];

    public ImmutableArray<string> Entrypoint { get; init; } = [];

    public ImmutableSortedDictionary<string, string> Env { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    public string? WorkingDir { get; init; }

    public ImmutableArray<ContainerMount> Mounts { get; init; } = [];

    public ImmutableArray<string> Networks { get; init; } = [];

    public string NetworkMode { get; init; } = Bridge;

    /// <summary>The port the application listens on inside the container (bridge networking).</summary>
    public int? ContainerPort { get; init; }

    /// <summary>Whether an init runs as process 1 (forwarding signals, reaping children).</summary>
    public bool Init { get; init; }

    public ContainerLimits Limits { get; init; } = ContainerLimits.None;

    public ImmutableSortedDictionary<string, string> Labels { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    public ReplicaSettings Settings { get; init; } = new();

    /// <summary>The port the application is told to listen on (<c>PORT</c>): inside the container, or on the host with host networking.</summary>
    public int? AppPort(int? hostPort) => NetworkMode == Host ? hostPort : ContainerPort;

    /// <summary>A short hash of the replacing inputs of <paramref name="inputs"/>: equal hashes run the same containers.</summary>
    public static string InputsHash(Value inputs)
    {
        var map = inputs.Kind == ValueKind.Map ? inputs.AsMap() : ImmutableSortedDictionary<string, Value>.Empty;
        var replacing = Value.Map(ReplacingInputs.Select(name => new KeyValuePair<string, Value>(name, map.TryGetValue(name, out var value) ? value : Value.Null)));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ValueJson.ToJson(replacing, ValueJsonOptions.Plain))))[..16];
    }

    /// <summary>
    /// Reads <paramref name="inputs"/>; bind mounts must resolve inside <paramref name="roots"/> (a source that does
    /// not goes to <paramref name="pathErrors"/> when given, else to <paramref name="errors"/>).
    /// </summary>
    public static ContainerServiceSpec Read(Value inputs, PathConfinement roots, List<string> errors, List<string>? pathErrors = null)
    {
        var spec = new ContainerServiceSpec();
        if (inputs.Kind != ValueKind.Map)
        {
            errors.Add("the inputs must be a map");
            return spec;
        }

        var map = inputs.AsMap();
        Value? Get(string name) => map.TryGetValue(name, out var value) && value.Kind != ValueKind.Null ? value : null;

        switch (Get("image"))
        {
            case null:
                errors.Add("image is required: an image reference such as \"shop-web:1\", or ${IMAGE.image_id} of a container.image");
                break;
            case { IsKnown: false }:
                break;
            case { Kind: ValueKind.String } image when image.AsString().Trim().Length > 0 && !image.AsString().Any(char.IsWhiteSpace):
                spec = spec with { Image = image.AsString() };
                break;
            case var other:
                errors.Add($"image must be an image reference such as \"shop-web:1\", got {other}");
                break;
        }

        spec = spec with
        {
            Command = CommandInputs.ReadArgv(Get("command"), "command", required: false, errors),
            Entrypoint = CommandInputs.ReadArgv(Get("entrypoint"), "entrypoint", required: false, errors),
            Env = CommandInputs.ReadEnv(Get("env"), "env", errors),
            Labels = CommandInputs.ReadEnv(Get("labels"), "labels", errors),
        };
        if (spec.Labels.Keys.FirstOrDefault(k => k.StartsWith(ContainerLabels.Prefix, StringComparison.Ordinal)) is { } reserved)
        {
            errors.Add($"labels.{reserved}: labels starting with \"{ContainerLabels.Prefix}\" are baton's own");
        }

        if (Get("working_dir") is { IsKnown: true } workingDir)
        {
            if (workingDir.Kind == ValueKind.String && workingDir.AsString().StartsWith('/'))
            {
                spec = spec with { WorkingDir = workingDir.AsString() };
            }
            else
            {
                errors.Add("working_dir must be an absolute path inside the container, such as \"/app\"");
            }
        }

        if (Get("init") is { IsKnown: true } init)
        {
            if (init.Kind == ValueKind.Bool)
            {
                spec = spec with { Init = init.AsBool() };
            }
            else
            {
                errors.Add("init must be true or false");
            }
        }

        spec = spec with { Settings = ReplicaSettings.Read(inputs, errors) };
        spec = ReadNetworking(spec, Get, errors);
        spec = spec with { Mounts = ReadMounts(Get("mounts"), roots, errors, pathErrors ?? errors), Limits = ReadLimits(Get("limits"), errors) };
        return spec;
    }

    private static ContainerServiceSpec ReadNetworking(ContainerServiceSpec spec, Func<string, Value?> get, List<string> errors)
    {
        if (get("network_mode") is { IsKnown: true } mode)
        {
            if (mode.Kind == ValueKind.String && mode.AsString() is Bridge or Host or None)
            {
                spec = spec with { NetworkMode = mode.AsString() };
            }
            else
            {
                errors.Add("network_mode must be bridge (the default: the engine's bridge, or the networks listed), host or none");
            }
        }

        if (get("networks") is { IsKnown: true } networks)
        {
            if (networks.Kind == ValueKind.List && networks.AsList().All(n => !n.IsKnown || (n.Kind == ValueKind.String && n.AsString().Length > 0)))
            {
                spec = spec with { Networks = [.. networks.AsList().Where(n => n.IsKnown).Select(n => n.AsString())] };
                if (spec.Networks.Length > 0 && spec.NetworkMode != Bridge)
                {
                    errors.Add($"networks cannot be combined with network_mode {spec.NetworkMode}");
                }

                if (spec.Networks.Distinct(StringComparer.Ordinal).Count() != spec.Networks.Length)
                {
                    errors.Add("networks lists a network twice");
                }
            }
            else
            {
                errors.Add("networks must be a list of network names (such as ${backend.name})");
            }
        }

        var portGiven = get("port") is not null;
        if (get("container_port") is { IsKnown: true } containerPort)
        {
            if (containerPort.Kind == ValueKind.Number && containerPort.IsInteger && containerPort.AsNumber() is >= 1 and <= 65535)
            {
                spec = spec with { ContainerPort = (int)containerPort.AsNumber() };
            }
            else
            {
                errors.Add("container_port must be a port number from 1 to 65535");
            }
        }

        switch (spec.NetworkMode)
        {
            case None when portGiven:
                errors.Add("network_mode none has no network: a port cannot be published");
                break;
            case Host when spec.ContainerPort is not null:
                errors.Add("container_port does not apply to network_mode host: the application listens on port (given to it as PORT)");
                break;
            case Bridge when portGiven && spec.ContainerPort is null && get("container_port") is null:
                errors.Add("container_port is required with port: the port the application listens on inside the container (given to it as PORT)");
                break;
            case Bridge when !portGiven && spec.ContainerPort is not null:
                errors.Add("container_port needs port: \"auto\" (a free 127.0.0.1 port per replica) or a fixed host port");
                break;
            default:
                break;
        }

        return spec;
    }

    private static ImmutableArray<ContainerMount> ReadMounts(Value? mounts, PathConfinement roots, List<string> errors, List<string> pathErrors)
    {
        if (mounts is not { IsKnown: true })
        {
            return [];
        }

        if (mounts.Kind != ValueKind.List)
        {
            errors.Add("mounts must be a list of { source, target, type, read_only }");
            return [];
        }

        var result = ImmutableArray.CreateBuilder<ContainerMount>();
        var index = 0;
        foreach (var mount in mounts.AsList())
        {
            var at = $"mounts[{index++}]";
            if (!mount.IsKnown)
            {
                continue;
            }

            if (mount.Kind != ValueKind.Map)
            {
                errors.Add($"{at} must be a map such as {{ source: data, target: /data }}");
                continue;
            }

            var map = mount.AsMap();
            string? Text(string name) => map.TryGetValue(name, out var v) && v.Kind == ValueKind.String ? v.AsString() : null;
            bool Known(string name) => !map.TryGetValue(name, out var v) || v.IsKnown;
            if (map.Keys.FirstOrDefault(k => k is not ("source" or "target" or "type" or "read_only")) is { } unknownKey)
            {
                errors.Add($"{at} has no setting \"{unknownKey}\" (source, target, type, read_only)");
            }

            if (!Known("source") || !Known("target") || !Known("type") || !Known("read_only"))
            {
                continue;
            }

            var source = Text("source");
            var type = Text("type") ?? (source is null ? "tmpfs" : LooksLikePath(source) ? "bind" : "volume");
            var target = Text("target");
            var readOnly = map.TryGetValue("read_only", out var ro) && ro.Kind == ValueKind.Bool && ro.AsBool();
            if (map.TryGetValue("read_only", out var roValue) && roValue.Kind is not (ValueKind.Bool or ValueKind.Null))
            {
                errors.Add($"{at}.read_only must be true or false");
            }

            if (target is null || !target.StartsWith('/'))
            {
                errors.Add($"{at}.target must be an absolute path inside the container, such as \"/data\"");
                continue;
            }

            switch (type)
            {
                case "bind" when source is null:
                    errors.Add($"{at}.source is required for a bind mount: a directory inside the provider's roots");
                    break;
                case "bind":
                    if (!roots.TryResolve(source, out var resolved, out var error))
                    {
                        pathErrors.Add($"{at}.source \"{source}\": {error}");
                    }
                    else
                    {
                        result.Add(new ContainerMount("bind", resolved, target, readOnly));
                    }

                    break;
                case "volume" when source is null || source.Length == 0:
                    errors.Add($"{at}.source is required for a volume mount: the volume's name (such as ${{data.name}})");
                    break;
                case "volume":
                    result.Add(new ContainerMount("volume", source, target, readOnly));
                    break;
                case "tmpfs" when source is not null:
                    errors.Add($"{at}: a tmpfs mount has no source");
                    break;
                case "tmpfs":
                    result.Add(new ContainerMount("tmpfs", null, target, readOnly));
                    break;
                default:
                    errors.Add($"{at}.type must be bind, volume or tmpfs");
                    break;
            }
        }

        if (result.GroupBy(m => m.Target, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            errors.Add($"mounts: two mounts have the target \"{twice.Key}\"");
        }

        return result.ToImmutable();
    }

    private static bool LooksLikePath(string source) => source.StartsWith('/') || source.StartsWith('.') || source.Contains('/', StringComparison.Ordinal);

    private static ContainerLimits ReadLimits(Value? limits, List<string> errors)
    {
        if (limits is not { IsKnown: true })
        {
            return ContainerLimits.None;
        }

        if (limits.Kind != ValueKind.Map)
        {
            errors.Add("limits must be a map such as { memory: 256m, cpus: 0.5, pids: 100 }");
            return ContainerLimits.None;
        }

        var result = ContainerLimits.None;
        foreach (var (name, value) in limits.AsMap())
        {
            if (!value.IsKnown || value.Kind == ValueKind.Null)
            {
                continue;
            }

            switch (name)
            {
                case "memory" when TryParseBytes(value, out var bytes) && bytes >= 6 * 1024 * 1024:
                    result = result with { MemoryBytes = bytes };
                    break;
                case "memory":
                    errors.Add("limits.memory must be a size of at least 6m, such as 256m or 1g (or a number of bytes)");
                    break;
                case "cpus" when value.Kind == ValueKind.Number && value.AsNumber() is > 0 and <= 1024:
                    result = result with { NanoCpus = (long)Math.Round(value.AsNumber() * 1e9) };
                    break;
                case "cpus":
                    errors.Add("limits.cpus must be a number of CPUs above 0, such as 0.5");
                    break;
                case "pids" when value.Kind == ValueKind.Number && value.IsInteger && value.AsNumber() >= 1:
                    result = result with { Pids = (long)value.AsNumber() };
                    break;
                case "pids":
                    errors.Add("limits.pids must be a whole number of at least 1");
                    break;
                default:
                    errors.Add($"limits has no setting \"{name}\" (memory, cpus, pids)");
                    break;
            }
        }

        return result;
    }

    /// <summary>Parses 268435456, "256m", "1g", "512k", "100b".</summary>
    internal static bool TryParseBytes(Value value, out long bytes)
    {
        bytes = 0;
        if (value.Kind == ValueKind.Number && value.IsInteger && value.AsNumber() >= 0)
        {
            bytes = (long)value.AsNumber();
            return true;
        }

        if (value.Kind != ValueKind.String)
        {
            return false;
        }

        var text = value.AsString().Trim().ToLowerInvariant();
        if (text.EndsWith('b'))
        {
            text = text[..^1];
        }

        long unit = 1;
        if (text.Length > 0 && text[^1] is 'k' or 'm' or 'g')
        {
            unit = text[^1] switch { 'k' => 1L << 10, 'm' => 1L << 20, _ => 1L << 30 };
            text = text[..^1];
        }

        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) || number < 0 || number * unit > long.MaxValue / 2)
        {
            return false;
        }

        bytes = (long)(number * unit);
        return true;
    }
}
