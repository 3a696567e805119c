using Baton.Replicas;
using Baton.Values;

namespace Baton.Providers.Tests.Replicas;

/// <summary>The inputs of an in-memory service: a version, and the replica settings every driver shares.</summary>
internal static class ServiceInputs
{
    public const int FixedPort = 8080;

    /// <summary>
    /// Inputs running <paramref name="version"/>. A health check is an exec check (answered from the driver's world), polled
    /// every 100 ms, with a 5 s start period so a replica that never becomes healthy fails after 6 s of fake time.
    /// </summary>
    public static Value Of(
        int version,
        int replicas,
        PortMode port = PortMode.None,
        (int MaxSurge, int MaxUnavailable)? rollout = null,
        bool health = false,
        int healthyThreshold = 1,
        string restart = ReplicaSettings.RestartAlways)
    {
        var entries = new List<KeyValuePair<string, Value>>
        {
            new("version", Value.Number(version)),
            new("replicas", Value.Number(replicas)),
            new("restart", Value.String(restart)),
            new("port", port switch
            {
                PortMode.Auto => Value.String("auto"),
                PortMode.Fixed => Value.Number(FixedPort),
                _ => Value.Null,
            }),
            new("rollout", rollout is { } r
                ? Value.Map([new("max_surge", Value.Number(r.MaxSurge)), new("max_unavailable", Value.Number(r.MaxUnavailable))])
                : Value.Null),
            new("health", health
                ? Value.Map(
                [
                    new("exec", Value.List(Value.String("ready"))),
                    new("interval", Value.String("100ms")),
                    new("timeout", Value.String("1s")),
                    new("start_period", Value.String("5s")),
                    new("healthy_threshold", Value.Number(healthyThreshold)),
                ])
                : Value.Null),
        };
        return Value.Map(entries);
    }

    /// <summary>Whether <see cref="ReplicaSettings.Read"/> takes <paramref name="inputs"/> without an error.</summary>
    public static bool Valid(Value inputs)
    {
        var errors = new List<string>();
        ReplicaSettings.Read(inputs, errors);
        return errors.Count == 0;
    }
}
