using Baton.Values;

namespace Baton.Providers.Process;

/// <summary>The schema of the process family.</summary>
internal static class ProcessSchema
{
    public const string ServiceType = "process.service";

    public static ResourceTypeSchema Service { get; } = new()
    {
        Type = ServiceType,
        Description = "Replicas of a local command, started detached (own session, output to log files under the state directory) so they outlive baton.",
        Attributes =
        [
            AttributeSchema.Input("command", BatonType.ListOf(BatonType.String), "The argument list to run (never a shell string); the first item is looked up on PATH.") with { Required = true },
            AttributeSchema.Input("env", BatonType.MapOf(BatonType.String), "Environment variables added to baton's own."),
            AttributeSchema.Input("working_dir", BatonType.String, "The working directory, relative to the stack directory (default: the stack directory)."),
            AttributeSchema.Input("replicas", BatonType.Int, "How many copies to run (0 or more).") with { Default = Value.Number(1) },
            AttributeSchema.Input("port", BatonType.Any, "\"auto\": a free 127.0.0.1 port per replica; an int: that port (one replica only). Passed to the process as PORT."),
            AttributeSchema.Input("health", BatonType.AnyMap, "{ http: \"/path\" | tcp: true | exec: [argv], interval, timeout, start_period, healthy_threshold, unhealthy_threshold }."),
            AttributeSchema.Input("rollout", BatonType.AnyMap, "{ max_surge (default 1), max_unavailable (default 0) }: how a change of command, env, working_dir or port replaces the replicas, step by step."),
            AttributeSchema.Input("stop_signal", BatonType.String, "The signal that asks a replica to stop.") with { Default = Value.String("TERM") },
            AttributeSchema.Input("stop_timeout", BatonType.String, "How long a replica has to stop before it is killed (SIGKILL).") with { Default = Value.String("10s") },
            AttributeSchema.Output("id", BatonType.String, "The service's id."),
            AttributeSchema.Output("endpoints", BatonType.ListOf(BatonType.String), "\"127.0.0.1:PORT\" per replica, when a port is set."),
            AttributeSchema.Output("pids", BatonType.ListOf(BatonType.Number), "The replicas' process ids."),
            AttributeSchema.Output("replicas_state", BatonType.ListOf(BatonType.AnyMap), "Per replica: { index, pid, start_time (clock ticks since boot), port, alive, healthy, rollout (true for a replica of an unfinished rolling update) }."),
        ],
    };

    public static ProviderSchema Provider { get; } = new()
    {
        Family = "process",
        Description = "Local processes as services: replicas, ports, health checks, detached from baton.",
        ResourceTypes = [Service],
    };
}
