using System.Collections.Immutable;
using Baton.Text;
using Baton.Values;

namespace Baton.Providers.Process;

/// <summary>The inputs of a <c>process.service</c>, checked. Unknown values (at plan time) are skipped, not errors.</summary>
internal sealed record ServiceSpec
{
    public ImmutableArray<string> Command { get; init; } = [];

    public ImmutableSortedDictionary<string, string> Env { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    public string? WorkingDir { get; init; }

    public int Replicas { get; init; } = 1;

    /// <summary>True for <c>port: auto</c>.</summary>
    public bool AutoPort { get; init; }

    /// <summary>A fixed port, when given.</summary>
    public int? FixedPort { get; init; }

    public HealthCheck? Health { get; init; }

    public int StopSignal { get; init; } = 15;

    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How many replicas a rolling update may start above <see cref="Replicas"/>.</summary>
    public int MaxSurge { get; init; } = 1;

    /// <summary>How many replicas below <see cref="Replicas"/> may be not serving during a rolling update.</summary>
    public int MaxUnavailable { get; init; }

    /// <summary>The restart policy: <c>always</c>, <c>on-failure</c> or <c>no</c>.</summary>
    public string Restart { get; init; } = RestartAlways;

    public const string RestartAlways = "always";

    public const string RestartOnFailure = "on-failure";

    public const string RestartNo = "no";

    public static readonly string[] RestartPolicies = [RestartAlways, RestartOnFailure, RestartNo];

    public bool HasPort => AutoPort || FixedPort is not null;

    /// <summary>
    /// Whether a replica that is gone, having exited with <paramref name="exitCode"/> (null: unknown), should be started
    /// again: always with <c>always</c>; with <c>on-failure</c> unless it exited 0; never with <c>no</c>.
    /// </summary>
    public bool ShouldRestart(int? exitCode) => Restart switch
    {
        RestartNo => false,
        RestartOnFailure => exitCode != 0,
        _ => true,
    };

    /// <summary>Reads <paramref name="inputs"/>; the errors say what is wrong, in the user's terms.</summary>
    public static ServiceSpec Read(Value inputs, List<string> errors)
    {
        var spec = new ServiceSpec();
        if (inputs.Kind != ValueKind.Map)
        {
            errors.Add("the inputs must be a map");
            return spec;
        }

        var map = inputs.AsMap();
        Value? Get(string name) => map.TryGetValue(name, out var value) && value.Kind != ValueKind.Null ? value : null;

        switch (Get("command"))
        {
            case null:
                errors.Add("command is required");
                break;
            case { Kind: ValueKind.String }:
                errors.Add("command must be an argument list, not a shell string");
                break;
            case { Kind: ValueKind.List } list:
                var items = list.AsList();
                if (items.IsEmpty)
                {
                    errors.Add("command must not be empty");
                }
                else if (items.All(i => i.IsKnown))
                {
                    if (items.Any(i => i.Kind != ValueKind.String))
                    {
                        errors.Add("command must be a list of strings");
                    }
                    else
                    {
                        spec = spec with { Command = [.. items.Select(i => i.AsString())] };
                        if (spec.Command[0].Length == 0)
                        {
                            errors.Add("command's first item (the program) must not be empty");
                        }
                    }
                }

                break;
            case { IsKnown: true }:
                errors.Add("command must be an argument list");
                break;
        }

        if (Get("env") is { IsKnown: true } env)
        {
            if (env.Kind != ValueKind.Map)
            {
                errors.Add("env must be a map of strings");
            }
            else
            {
                var builder = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
                foreach (var (name, value) in env.AsMap())
                {
                    switch (value.Kind)
                    {
                        case ValueKind.String:
                            builder[name] = value.AsString();
                            break;
                        case ValueKind.Number:
                            builder[name] = Value.FormatNumber(value.AsNumber());
                            break;
                        case ValueKind.Bool:
                            builder[name] = value.AsBool() ? "true" : "false";
                            break;
                        case ValueKind.Unknown:
                            break;
                        default:
                            errors.Add($"env.{name} must be a string");
                            break;
                    }
                }

                spec = spec with { Env = builder.ToImmutable() };
            }
        }

        if (Get("working_dir") is { IsKnown: true } workingDir)
        {
            if (workingDir.Kind == ValueKind.String)
            {
                spec = spec with { WorkingDir = workingDir.AsString() };
            }
            else
            {
                errors.Add("working_dir must be a string");
            }
        }

        if (Get("replicas") is { IsKnown: true } replicas)
        {
            if (replicas.Kind == ValueKind.Number && replicas.IsInteger && replicas.AsNumber() is >= 0 and <= 1000)
            {
                spec = spec with { Replicas = (int)replicas.AsNumber() };
            }
            else
            {
                errors.Add("replicas must be a whole number from 0 to 1000");
            }
        }

        if (Get("port") is { IsKnown: true } port)
        {
            if (port.Kind == ValueKind.String && port.AsString() == "auto")
            {
                spec = spec with { AutoPort = true };
            }
            else if (port.Kind == ValueKind.Number && port.IsInteger && port.AsNumber() is >= 1 and <= 65535)
            {
                spec = spec with { FixedPort = (int)port.AsNumber() };
                if (spec.Replicas > 1)
                {
                    errors.Add("a fixed port needs replicas = 1; use port: \"auto\" for more replicas");
                }
            }
            else
            {
                errors.Add("port must be \"auto\" or a port number from 1 to 65535");
            }
        }

        if (Get("health") is { IsKnown: true } health)
        {
            spec = spec with { Health = ReadHealth(health, errors) };
            if (spec.Health is { NeedsPort: true } && !spec.HasPort && Get("port") is null)
            {
                errors.Add("an http or tcp health check needs a port");
            }
        }

        if (Get("stop_signal") is { IsKnown: true } signal)
        {
            if (signal.Kind == ValueKind.String && Signals.TryParse(signal.AsString(), out var number))
            {
                spec = spec with { StopSignal = number };
            }
            else
            {
                errors.Add($"stop_signal must be one of {string.Join(", ", Signals.Names)}");
            }
        }

        if (Get("stop_timeout") is { IsKnown: true } stopTimeout)
        {
            if (Durations.TryParse(stopTimeout, out var timeout, out _))
            {
                spec = spec with { StopTimeout = timeout };
            }
            else
            {
                errors.Add("stop_timeout must be a duration such as \"10s\"");
            }
        }

        if (Get("restart") is { IsKnown: true } restart)
        {
            if (restart.Kind == ValueKind.String && RestartPolicies.Contains(restart.AsString()))
            {
                spec = spec with { Restart = restart.AsString() };
            }
            else
            {
                errors.Add($"restart must be one of {string.Join(", ", RestartPolicies)}");
            }
        }

        if (Get("rollout") is { IsKnown: true } rollout)
        {
            spec = ReadRollout(spec, rollout, Get("replicas") is not { IsKnown: false }, errors);
        }

        return spec;
    }

    private static ServiceSpec ReadRollout(ServiceSpec spec, Value rollout, bool replicasKnown, List<string> errors)
    {
        if (rollout.Kind != ValueKind.Map)
        {
            errors.Add("rollout must be a map");
            return spec;
        }

        var known = true;
        foreach (var (name, value) in rollout.AsMap())
        {
            if (!value.IsKnown)
            {
                known = false;
                continue;
            }

            if (value.Kind == ValueKind.Null)
            {
                continue;
            }

            if (name is not ("max_surge" or "max_unavailable"))
            {
                errors.Add($"rollout has no setting \"{name}\"");
            }
            else if (value.Kind != ValueKind.Number || !value.IsInteger || value.AsNumber() is < 0 or > 1000)
            {
                errors.Add($"rollout.{name} must be a whole number from 0 to 1000");
                known = false;
            }
            else
            {
                spec = name == "max_surge" ? spec with { MaxSurge = (int)value.AsNumber() } : spec with { MaxUnavailable = (int)value.AsNumber() };
            }
        }

        if (known && spec.MaxSurge == 0 && spec.MaxUnavailable == 0)
        {
            errors.Add("rollout.max_surge and rollout.max_unavailable must not both be 0: the rollout could never replace a replica");
        }

        if (known && replicasKnown && spec.MaxUnavailable > spec.Replicas)
        {
            errors.Add($"rollout.max_unavailable ({spec.MaxUnavailable}) must not exceed replicas ({spec.Replicas})");
        }

        return spec;
    }

    private static HealthCheck? ReadHealth(Value health, List<string> errors)
    {
        if (health.Kind != ValueKind.Map)
        {
            errors.Add("health must be a map");
            return null;
        }

        var map = health.AsMap();
        var check = new HealthCheck();
        var kinds = 0;
        foreach (var (name, value) in map)
        {
            if (!value.IsKnown || value.Kind == ValueKind.Null)
            {
                continue;
            }

            switch (name)
            {
                case "http" when value.Kind == ValueKind.String && value.AsString().StartsWith('/'):
                    check = check with { HttpPath = value.AsString() };
                    kinds++;
                    break;
                case "http":
                    errors.Add("health.http must be a path starting with /");
                    break;
                case "tcp" when value.Kind == ValueKind.Bool:
                    check = check with { Tcp = value.AsBool() };
                    kinds += value.AsBool() ? 1 : 0;
                    break;
                case "exec" when value.Kind == ValueKind.List && value.AsList() is { IsEmpty: false } argv && argv.All(a => a.Kind == ValueKind.String):
                    check = check with { Exec = [.. argv.Select(a => a.AsString())] };
                    kinds++;
                    break;
                case "tcp":
                    errors.Add("health.tcp must be true or false");
                    break;
                case "exec":
                    errors.Add("health.exec must be an argument list, not a shell string");
                    break;
                case "interval" or "timeout" or "start_period":
                    if (!Durations.TryParse(value, out var duration, out _))
                    {
                        errors.Add($"health.{name} must be a duration such as \"1s\"");
                    }
                    else
                    {
                        check = name switch
                        {
                            "interval" => check with { Interval = duration },
                            "timeout" => check with { Timeout = duration },
                            _ => check with { StartPeriod = duration },
                        };
                    }

                    break;
                case "healthy_threshold" or "unhealthy_threshold":
                    if (value.Kind != ValueKind.Number || !value.IsInteger || value.AsNumber() < 1)
                    {
                        errors.Add($"health.{name} must be a whole number of at least 1");
                    }
                    else
                    {
                        check = name == "healthy_threshold"
                            ? check with { HealthyThreshold = (int)value.AsNumber() }
                            : check with { UnhealthyThreshold = (int)value.AsNumber() };
                    }

                    break;
                default:
                    errors.Add($"health has no setting \"{name}\"");
                    break;
            }
        }

        if (kinds != 1)
        {
            errors.Add("health needs exactly one of http, tcp or exec");
        }

        return check;
    }
}
