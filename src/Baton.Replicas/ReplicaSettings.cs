using System.Collections.Immutable;
using Baton.Text;
using Baton.Values;

namespace Baton.Replicas;

/// <summary>
/// What every replicated service takes whatever runs its replicas: how many, which port, the health check, the rolling
/// update, the restart policy and how a replica stops. Unknown values (at plan time) are skipped, not errors.
/// </summary>
public sealed record ReplicaSettings
{
    /// <summary>Restart a replica that exited, whatever its status.</summary>
    public const string RestartAlways = "always";

    /// <summary>Restart a replica only when it failed (a non-zero status, a signal, or an unknown status).</summary>
    public const string RestartOnFailure = "on-failure";

    /// <summary>Never restart a replica that exited.</summary>
    public const string RestartNo = "no";

    /// <summary>The restart policies, in the order the documentation lists them.</summary>
    public static ImmutableArray<string> RestartPolicies { get; } = [RestartAlways, RestartOnFailure, RestartNo];

    /// <summary>The inputs this record reads; the driver reads the rest.</summary>
    public static ImmutableArray<string> InputNames { get; } = ["replicas", "port", "health", "rollout", "restart", "stop_signal", "stop_timeout"];

    /// <summary>How long a replica without a health check must stay alive after start to count as started.</summary>
    public static TimeSpan StartGrace { get; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How many replicas run.</summary>
    public int Replicas { get; init; } = 1;

    /// <summary>True for <c>port: auto</c>.</summary>
    public bool AutoPort { get; init; }

    /// <summary>A fixed port, when given.</summary>
    public int? FixedPort { get; init; }

    /// <summary>The health check, when given.</summary>
    public HealthCheck? Health { get; init; }

    /// <summary>The signal number that asks a replica to stop.</summary>
    public int StopSignal { get; init; } = 15;

    /// <summary>How long a replica has to stop before it is killed.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How many replicas a rolling update may start above <see cref="Replicas"/>.</summary>
    public int MaxSurge { get; init; } = 1;

    /// <summary>How many replicas below <see cref="Replicas"/> may be not serving during a rolling update.</summary>
    public int MaxUnavailable { get; init; }

    /// <summary>The restart policy: <c>always</c>, <c>on-failure</c> or <c>no</c>.</summary>
    public string Restart { get; init; } = RestartAlways;

    /// <summary>Whether replicas have a port.</summary>
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

    /// <summary>Reads the settings from <paramref name="inputs"/>; the errors say what is wrong, in the user's terms.</summary>
    public static ReplicaSettings Read(Value inputs, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(errors);
        var settings = new ReplicaSettings();
        if (inputs.Kind != ValueKind.Map)
        {
            return settings;
        }

        var map = inputs.AsMap();
        Value? Get(string name) => map.TryGetValue(name, out var value) && value.Kind != ValueKind.Null ? value : null;

        if (Get("replicas") is { IsKnown: true } replicas)
        {
            if (replicas.Kind == ValueKind.Number && replicas.IsInteger && replicas.AsNumber() is >= 0 and <= 1000)
            {
                settings = settings with { Replicas = (int)replicas.AsNumber() };
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
                settings = settings with { AutoPort = true };
            }
            else if (port.Kind == ValueKind.Number && port.IsInteger && port.AsNumber() is >= 1 and <= 65535)
            {
                settings = settings with { FixedPort = (int)port.AsNumber() };
                if (settings.Replicas > 1)
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
            settings = settings with { Health = ReadHealth(health, errors) };
            if (settings.Health is { NeedsPort: true } && !settings.HasPort && Get("port") is null)
            {
                errors.Add("an http or tcp health check needs a port");
            }
        }

        if (Get("stop_signal") is { IsKnown: true } signal)
        {
            if (signal.Kind == ValueKind.String && StopSignals.TryParse(signal.AsString(), out var number))
            {
                settings = settings with { StopSignal = number };
            }
            else
            {
                errors.Add($"stop_signal must be one of {string.Join(", ", StopSignals.Names)}");
            }
        }

        if (Get("stop_timeout") is { IsKnown: true } stopTimeout)
        {
            if (Durations.TryParse(stopTimeout, out var timeout, out _))
            {
                settings = settings with { StopTimeout = timeout };
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
                settings = settings with { Restart = restart.AsString() };
            }
            else
            {
                errors.Add($"restart must be one of {string.Join(", ", RestartPolicies)}");
            }
        }

        if (Get("rollout") is { IsKnown: true } rollout)
        {
            settings = ReadRollout(settings, rollout, Get("replicas") is not { IsKnown: false }, errors);
        }

        return settings;
    }

    private static ReplicaSettings ReadRollout(ReplicaSettings settings, Value rollout, bool replicasKnown, List<string> errors)
    {
        if (rollout.Kind != ValueKind.Map)
        {
            errors.Add("rollout must be a map");
            return settings;
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
                settings = name == "max_surge" ? settings with { MaxSurge = (int)value.AsNumber() } : settings with { MaxUnavailable = (int)value.AsNumber() };
            }
        }

        if (known && settings.MaxSurge == 0 && settings.MaxUnavailable == 0)
        {
            errors.Add("rollout.max_surge and rollout.max_unavailable must not both be 0: the rollout could never replace a replica");
        }

        if (known && replicasKnown && settings.MaxUnavailable > settings.Replicas)
        {
            errors.Add($"rollout.max_unavailable ({settings.MaxUnavailable}) must not exceed replicas ({settings.Replicas})");
        }

        return settings;
    }

    private static HealthCheck? ReadHealth(Value health, List<string> errors)
    {
        if (health.Kind != ValueKind.Map)
        {
            errors.Add("health must be a map");
            return null;
        }

        var check = new HealthCheck();
        var kinds = 0;
        foreach (var (name, value) in health.AsMap())
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
