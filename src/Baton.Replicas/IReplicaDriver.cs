using Baton.Values;

namespace Baton.Replicas;

/// <summary>
/// What runs replicas: local processes, containers. <see cref="ReplicaSet{TReplica}"/> drives a driver through creates,
/// scaling, rolling updates and restarts; the driver only starts, stops, looks at and remembers single replicas.
/// </summary>
/// <typeparam name="TReplica">The driver's replica record.</typeparam>
public interface IReplicaDriver<TReplica>
    where TReplica : IReplica<TReplica>
{
    /// <summary>The replica settings of <paramref name="inputs"/> (normalised, known inputs).</summary>
    ReplicaSettings Settings(Value inputs);

    /// <summary>Whether going from <paramref name="before"/> to <paramref name="after"/> replaces every replica (a new command, image, env…) rather than only scaling.</summary>
    bool Replaces(Value before, Value after);

    /// <summary>Whether <paramref name="replica"/> runs what <paramref name="inputs"/> ask for, so a rolling update to them keeps it.</summary>
    bool Runs(ServiceState<TReplica> service, TReplica replica, Value inputs);

    /// <summary>Whether the replica runs and, when it exited, its status.</summary>
    ValueTask<ReplicaStatus> StatusAsync(ServiceState<TReplica> service, TReplica replica, CancellationToken cancellationToken);

    /// <summary>Starts replica <paramref name="index"/> with <paramref name="inputs"/> on <paramref name="port"/>; returns it without waiting until it is ready.</summary>
    ValueTask<ReplicaStart<TReplica>> StartAsync(ServiceState<TReplica> service, Value inputs, int index, int? port, CancellationToken cancellationToken);

    /// <summary>Stops a replica as <paramref name="inputs"/> say (stop signal, then a kill after the stop timeout); one already gone is fine.</summary>
    Task StopAsync(ServiceState<TReplica> service, Value inputs, TReplica replica, CancellationToken cancellationToken);

    /// <summary>Remembers <paramref name="service"/> as it is now, so a crash from here on loses no replica.</summary>
    Task SaveAsync(ServiceState<TReplica> service, CancellationToken cancellationToken);

    /// <summary>Runs an exec health check for <paramref name="replica"/> (on the host, or inside the container) within the check's timeout.</summary>
    Task<bool> ExecCheckAsync(HealthCheck check, ServiceState<TReplica> service, Value inputs, TReplica replica, CancellationToken cancellationToken);

    /// <summary>A loopback port free right now for a new replica.</summary>
    int FreePort();

    /// <summary>Whether 127.0.0.1:<paramref name="port"/> is taken, so a replica cannot have it.</summary>
    bool PortInUse(int port);

    /// <summary>How messages name the replica: "pid 4711", "container 3f2a…".</summary>
    string Describe(TReplica replica);

    /// <summary>The last lines the replica wrote since <paramref name="logMark"/>, for failure messages.</summary>
    Task<string> LogTailAsync(ServiceState<TReplica> service, TReplica replica, long logMark, CancellationToken cancellationToken);
}
