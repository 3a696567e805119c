using Baton.Replicas;
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
            AttributeSchema.Input("restart", BatonType.String, "always, on-failure or no: whether a replica that exited is drift that the next apply heals by starting it again (on-failure: only when it exited with a non-zero status, was killed, or its status is unknown). There is no supervisor: baton restarts replicas when it applies, not the moment they exit. With no, an exited replica is reported (alive false, exit_code) but not restarted.") with { Default = Value.String("always") },
            AttributeSchema.Input("stop_signal", BatonType.String, "The signal that asks a replica to stop.") with { Default = Value.String("TERM") },
            AttributeSchema.Input("stop_timeout", BatonType.String, "How long a replica has to stop before it is killed (SIGKILL).") with { Default = Value.String("10s") },
            AttributeSchema.Output("id", BatonType.String, "The service's id."),
            AttributeSchema.Output("endpoints", BatonType.ListOf(BatonType.String), "\"127.0.0.1:PORT\" per replica, when a port is set."),
            AttributeSchema.Output("pids", BatonType.ListOf(BatonType.Number), "The replicas' process ids."),
            AttributeSchema.Output("replicas_state", BatonType.ListOf(BatonType.AnyMap), "Per replica: { index, pid, start_time (clock ticks since boot), port, alive, healthy, rollout (true for a replica of an unfinished rolling update), exit_code (the status of a replica that exited, 128 + N when killed by signal N; null while alive or when unknown) }."),
        ],
    };

    public const string RestartAction = "process.restart";

    public const string ExecAction = "process.exec";

    public const string LogsAction = "process.logs";

    /// <summary>How much of a command's stdout, and of its stderr, <c>process.exec</c> keeps; and of each replica's log tail.</summary>
    public const int MaxOutputBytes = 64 * 1024;

    public static ActionSchema Restart { get; } = new()
    {
        Name = RestartAction,
        Description = "Restarts a service's replicas, each on its own port again, and counts each only once it is ready again (healthy, or alive after 200 ms without a health check).",
        Inputs = ReplicaActions.RestartInputs("replica"),
        Outputs = ReplicaActions.RestartOutputs,
    };

    public static ActionSchema Exec { get; } = new()
    {
        Name = ExecAction,
        Description = "Runs a command to completion and returns its output. A non-zero exit is not an error unless expect_exit_code is given. Not idempotent: a retried step runs the command again.",
        Inputs =
        [
            AttributeSchema.Input("command", BatonType.ListOf(BatonType.String), "The argument list to run (never a shell string); the first item is looked up on PATH.") with { Required = true },
            ReplicaActions.ServiceInput(required: false) with { Description = "A service's id: the command runs in its working directory with its env (and the inputs' env on top)." },
            AttributeSchema.Input("env", BatonType.MapOf(BatonType.String), "Environment variables added to baton's own (and the service's)."),
            AttributeSchema.Input("working_dir", BatonType.String, "The working directory, relative to the stack directory (default: the service's, else the stack directory)."),
            AttributeSchema.Input("timeout", BatonType.String, "How long the command may run before it is killed, which fails the step.") with { Default = Value.String("60s") },
            AttributeSchema.Input("expect_exit_code", BatonType.Int, "The exit code that counts as success; any other fails the step permanently. Any exit code is accepted when left out."),
        ],
        Outputs = ReplicaActions.ExecOutputs,
    };

    public static ActionSchema Logs { get; } = new()
    {
        Name = LogsAction,
        Description = "The last lines of each replica's log (stdout and stderr together, as the replica wrote them).",
        Inputs =
        [
            ReplicaActions.ServiceInput(required: true),
            AttributeSchema.Input("lines", BatonType.Int, "How many lines per replica (1..10000), at most the last 64 KiB of each log.") with { Default = Value.Number(100) },
        ],
        Outputs =
        [
            AttributeSchema.Output("replicas", BatonType.ListOf(BatonType.AnyMap), "Per replica: { index, pid, alive, lines (the text), truncated (true when the log holds more than was returned) }."),
        ],
    };

    public static ProviderSchema Provider { get; } = new()
    {
        Family = "process",
        Description = "Local processes as services: replicas, ports, health checks, restart policy, detached from baton.",
        ResourceTypes = [Service],
        Actions = [Restart, Exec, Logs],
    };
}
