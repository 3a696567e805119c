using Baton.Replicas;
using Baton.Runtime;
using Baton.Values;

namespace Baton.Providers.Container;

/// <summary>The schema of the container family.</summary>
internal static class ContainerSchema
{
    public const string ImageType = "container.image";

    public const string NetworkType = "container.network";

    public const string VolumeType = "container.volume";

    public const string ServiceType = "container.service";

    public const string RestartAction = "container.restart";

    public const string ExecAction = "container.exec";

    public const string LogsAction = "container.logs";

    /// <summary>How much of a command's stdout, and of its stderr, <c>container.exec</c> keeps; and of each container's log.</summary>
    public const int MaxOutputBytes = 64 * 1024;

    private static readonly BatonType StringMap = BatonType.MapOf(BatonType.String);

    private static AttributeSchema Labels(string what) =>
        AttributeSchema.Input("labels", StringMap, $"Labels to put on the {what} besides baton's own (baton.stack, baton.resource, baton.operation); names may not start with \"baton.\".") with { ForceNew = true };

    public static ResourceTypeSchema Image { get; } = new()
    {
        Type = ImageType,
        Description = "An image that must exist on the engine: by reference (pulled when it is missing and a registry is reachable), built from a context directory with a Dockerfile, or imported from a root filesystem tarball. A build or import is done again when the files it is made from change.",
        Attributes =
        [
            AttributeSchema.Input("name", BatonType.String, "The image reference, such as \"shop-web:1\" (a build or import tags it so; a reference alone must exist or be pullable).") with { Required = true, ForceNew = true },
            AttributeSchema.Input("build", BatonType.AnyMap, "{ context: DIR (inside the provider's roots), dockerfile (default \"Dockerfile\", inside the context), args: { NAME: value } }: build the image through the engine."),
            AttributeSchema.Input("import", BatonType.String, "A root filesystem tarball (inside the provider's roots) to import as the image."),
            AttributeSchema.Input("keep_locally", BatonType.Bool, "Keep a built or imported image on the engine when the resource is destroyed (a referenced image is never removed).") with { Default = Value.False },
            AttributeSchema.Output("id", BatonType.String, "The image's name (the reference it was made or found as)."),
            AttributeSchema.Output("image_id", BatonType.String, "The engine's image id (sha256:…): use ${IMAGE.image_id} as a service's image so a rebuild rolls the service out."),
            AttributeSchema.Output("digest", BatonType.String, "The image's content digest (sha256:…): its repository digest when it has one, else its id."),
            AttributeSchema.Output("source_sha256", BatonType.String, "For a build or an import, the SHA-256 of the files it is made from (the context's files, or the tarball); empty for a reference."),
        ],
    };

    public static ResourceTypeSchema Network { get; } = new()
    {
        Type = NetworkType,
        Description = "A container network. Every setting replaces the network when it changes (an engine cannot change a network in place).",
        Attributes =
        [
            AttributeSchema.Input("name", BatonType.String, "The network's name; a network of that name that baton did not make is an error, not taken over.") with { Required = true, ForceNew = true },
            AttributeSchema.Input("driver", BatonType.String, "The network driver.") with { Default = Value.String("bridge"), ForceNew = true },
            AttributeSchema.Input("internal", BatonType.Bool, "No route out: its containers reach only each other.") with { Default = Value.False, ForceNew = true },
            AttributeSchema.Input("subnet", BatonType.String, "A CIDR such as \"10.90.1.0/24\"; the engine picks a free one when left out.") with { ForceNew = true },
            Labels("network"),
            AttributeSchema.Output("id", BatonType.String, "The engine's network id."),
        ],
    };

    public static ResourceTypeSchema Volume { get; } = new()
    {
        Type = VolumeType,
        Description = "A named volume. Destroying it deletes its data; use lifecycle.prevent_destroy for data that must stay.",
        Attributes =
        [
            AttributeSchema.Input("name", BatonType.String, "The volume's name; a volume of that name that baton did not make is an error, not taken over.") with { Required = true, ForceNew = true },
            AttributeSchema.Input("driver", BatonType.String, "The volume driver.") with { Default = Value.String("local"), ForceNew = true },
            Labels("volume"),
            AttributeSchema.Output("id", BatonType.String, "The volume's name, as the engine knows it."),
            AttributeSchema.Output("mountpoint", BatonType.String, "Where its data lives on the engine's host."),
        ],
    };

    public static ResourceTypeSchema Service { get; } = new()
    {
        Type = ServiceType,
        Description = "Replicas of a container, with the outputs and behaviour of process.service (endpoints, health checks run by baton, rolling updates, restart policy as drift, autoscaling). Every container carries labels naming the stack, the resource, the operation that started it, its index and what it runs.",
        Attributes =
        [
            AttributeSchema.Input("image", BatonType.String, "The image: a reference, or ${IMAGE.image_id} of a container.image (then a rebuild rolls the service out).") with { Required = true },
            AttributeSchema.Input("command", BatonType.ListOf(BatonType.String), "The argument list to run instead of the image's command (never a shell string)."),
            AttributeSchema.Input("entrypoint", BatonType.ListOf(BatonType.String), "The argument list to run instead of the image's entrypoint."),
            AttributeSchema.Input("env", StringMap, "Environment variables (PORT is set to the application's port when the service has one)."),
            AttributeSchema.Input("working_dir", BatonType.String, "The working directory inside the container (absolute)."),
            AttributeSchema.Input("mounts", BatonType.ListOf(BatonType.AnyMap), "Per mount { source, target, type: bind | volume | tmpfs, read_only }: a bind source is a host directory inside the provider's roots (relative to the stack directory), a volume source a volume's name (such as ${data.name}); type defaults to bind for a path, volume for a name, tmpfs without a source."),
            AttributeSchema.Input("networks", BatonType.ListOf(BatonType.String), "Networks to join (such as ${backend.name}); the engine's default bridge when left out."),
            AttributeSchema.Input("network_mode", BatonType.String, "bridge (the default: the networks listed, or the engine's bridge, with the port published on 127.0.0.1), host (the host's network: the application listens on port itself) or none.") with { Default = Value.String("bridge") },
            AttributeSchema.Input("replicas", BatonType.Int, "How many containers to run (0 or more).") with { Default = Value.Number(1) },
            AttributeSchema.Input("port", BatonType.Any, "\"auto\": a free 127.0.0.1 port per replica; an int: that port (one replica only). With bridge networking it is published to container_port; with host networking the application listens on it. Passed as PORT."),
            AttributeSchema.Input("container_port", BatonType.Int, "The port the application listens on inside the container (bridge networking; required with port)."),
            AttributeSchema.Input("health", BatonType.AnyMap, "{ http: \"/path\" | tcp: true | exec: [argv] (run inside the container), interval, timeout, start_period, healthy_threshold, unhealthy_threshold }, checked by baton as for process.service."),
            AttributeSchema.Input("rollout", BatonType.AnyMap, "{ max_surge (default 1), max_unavailable (default 0) }: how a change of what the containers run replaces them, step by step."),
            AttributeSchema.Input("restart", BatonType.String, "always, on-failure or no: whether a container that exited (or was removed) is drift that the next apply, or the control plane, heals by starting a new one. The engine's own restart policy is off.") with { Default = Value.String("always") },
            AttributeSchema.Input("stop_signal", BatonType.String, "The signal that asks a container to stop.") with { Default = Value.String("TERM") },
            AttributeSchema.Input("stop_timeout", BatonType.String, "How long a container has to stop before it is killed.") with { Default = Value.String("10s") },
            AttributeSchema.Input("init", BatonType.Bool, "Run a tiny init as the container's first process, which forwards signals and reaps children (an application that is process 1 ignores the stop signal unless it handles it).") with { Default = Value.False },
            AttributeSchema.Input("limits", BatonType.AnyMap, "{ memory: 256m, cpus: 0.5, pids: 100 }, where the engine supports them."),
            AttributeSchema.Input("labels", StringMap, "Labels to put on every container besides baton's own; names may not start with \"baton.\"."),
            AttributeSchema.Output("id", BatonType.String, "The service's id (every container carries it as the label baton.service)."),
            AttributeSchema.Output("endpoints", BatonType.ListOf(BatonType.String), "\"127.0.0.1:PORT\" per replica, when a port is set."),
            AttributeSchema.Output("pids", BatonType.ListOf(BatonType.Number), "Each container's main process id on the host (0 for one that does not run)."),
            AttributeSchema.Output("replicas_state", BatonType.ListOf(BatonType.AnyMap), "Per replica: { index, container (id), name, pid, port, alive, healthy, rollout (true for a container of an unfinished rolling update), exit_code (the status of a container that exited; null while it runs or when it is gone) }."),
        ],
    };

    public static ActionSchema Restart { get; } = new()
    {
        Name = RestartAction,
        Description = "Replaces a service's containers with new ones of the same inputs, each on its own port again, counting each only once it is ready (healthy, or running after 200 ms without a health check).",
        Inputs = ReplicaActions.RestartInputs("container"),
        Outputs = ReplicaActions.RestartOutputs,
    };

    public static ActionSchema Exec { get; } = new()
    {
        Name = ExecAction,
        Description = "Runs a command to completion inside one of a service's running containers and returns its output. A non-zero exit is not an error unless expect_exit_code is given. Not idempotent: a retried step runs the command again.",
        Inputs =
        [
            ReplicaActions.ServiceInput(required: true),
            AttributeSchema.Input("command", BatonType.ListOf(BatonType.String), "The argument list to run (never a shell string).") with { Required = true },
            AttributeSchema.Input("replica", BatonType.Int, "Which replica, by index.") with { Default = Value.Number(0) },
            AttributeSchema.Input("env", StringMap, "Environment variables for the command, on top of the container's."),
            AttributeSchema.Input("working_dir", BatonType.String, "The working directory inside the container (default: the container's)."),
            AttributeSchema.Input("timeout", BatonType.String, "How long the command may run before the step fails (the engine cannot stop a running exec: it goes on inside the container).") with { Default = Value.String("60s") },
            AttributeSchema.Input("expect_exit_code", BatonType.Int, "The exit code that counts as success; any other fails the step permanently. Any exit code is accepted when left out."),
        ],
        Outputs = ReplicaActions.ExecOutputs,
    };

    public static ActionSchema Logs { get; } = new()
    {
        Name = LogsAction,
        Description = "The last lines of each of a service's containers' logs (stdout and stderr).",
        Inputs =
        [
            ReplicaActions.ServiceInput(required: true),
            AttributeSchema.Input("lines", BatonType.Int, "How many lines per container (1..10000), at most the last 64 KiB of each stream.") with { Default = Value.Number(100) },
        ],
        Outputs =
        [
            AttributeSchema.Output("replicas", BatonType.ListOf(BatonType.AnyMap), "Per container: { index, container, alive, stdout, stderr, truncated (true when the log holds more than was returned) }."),
        ],
    };

    public static ProviderSchema Provider { get; } = new()
    {
        Family = "container",
        Description = "Containers on any Docker Engine API endpoint (Docker, or Podman's service): images, networks, volumes and replicated services.",
        Configuration =
        [
            ConfinedRoots.OutsideStackSchema,
            AttributeSchema.Input("endpoint", BatonType.String, "unix:///path.sock, tcp://host:port (TLS with the tls_* settings), http:// or https://; default: the DOCKER_HOST environment variable, else unix:///var/run/docker.sock. The API version is negotiated (1.40 to 1.43)."),
            AttributeSchema.Input("tls_ca", BatonType.String, "PEM file of the CA that signed the engine's certificate (default: the system's trust store)."),
            AttributeSchema.Input("tls_cert", BatonType.String, "PEM file of the client certificate (with tls_key)."),
            AttributeSchema.Input("tls_key", BatonType.String, "PEM file of the client certificate's key (with tls_cert)."),
            AttributeSchema.Input("tls_verify", BatonType.Bool, "Whether to check the engine's certificate.") with { Default = Value.True },
            AttributeSchema.Input("roots", BatonType.ListOf(BatonType.String), "The directories (relative to the stack directory) that bind mounts, build contexts and imported tarballs must resolve inside.") with { Default = Value.List(Value.String(".")) },
        ],
        ResourceTypes = [Image, Network, Volume, Service],
        Actions = [Restart, Exec, Logs],
    };
}
