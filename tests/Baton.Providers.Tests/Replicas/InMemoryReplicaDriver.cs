using System.Collections.Immutable;
using Baton.Replicas;
using Baton.Values;

namespace Baton.Providers.Tests.Replicas;

/// <summary>
/// A driver whose replicas live in memory, so the scheduling <see cref="ReplicaSet{TReplica}"/> shares between drivers
/// can be tested alone, fast and deterministically. The inputs are a map with a number <c>version</c> (what a replica
/// runs) and the shared replica settings; a change of <c>version</c> or <c>port</c> replaces every replica. Like a real
/// driver it judges what a replica runs from what the service remembers (<see cref="ServiceState{TReplica}.InputsOf"/>),
/// while its world knows the truth (<see cref="InMemoryReplica.Version"/>), so a test can tell the two apart.
/// </summary>
/// <remarks>
/// Readiness is the world's, not the replica set's opinion: without a health check a replica is ready once it has been
/// alive <see cref="ReplicaSettings.StartGrace"/> (the readiness rule of src/Baton.Replicas/README.md and
/// docs/containers.md); with an exec check, once its check passes (at start unless told otherwise). Every start,
/// failed start, stop and save is recorded in <see cref="Trace"/> with the world as it is right after it. Time is
/// <see cref="InstantTimeProvider"/>'s, so waits cost nothing.
/// </remarks>
internal sealed class InMemoryReplicaDriver(InstantTimeProvider time) : IReplicaDriver<InMemoryReplica>
{
    /// <summary>The first port <see cref="FreePort"/> hands out; it never hands out one twice.</summary>
    public const int FirstAutoPort = 20000;

    /// <summary>The status of a replica that was stopped (128 + SIGTERM).</summary>
    public const int StoppedExitCode = 143;

    /// <summary>How soon a replica without a health check that is told never to become ready exits (with status 1).</summary>
    public static readonly TimeSpan NeverReadyExit = TimeSpan.FromMilliseconds(50);

    private static readonly string[] ReplacingInputs = ["version", "port"];

    private readonly Dictionary<int, Life> _lives = [];
    private readonly Dictionary<(int Version, int Index), Fault> _faults = [];
    private readonly List<Step> _trace = [];
    private int _lastSerial;
    private int _nextPort = FirstAutoPort;

    /// <summary>What happened to the world, in order.</summary>
    public enum StepKind
    {
        /// <summary>A replica started.</summary>
        Started,

        /// <summary>A start was refused (<see cref="FailStart"/>); nothing runs.</summary>
        StartFailed,

        /// <summary>A replica was asked to stop (<see cref="Step.WasAlive"/> says whether it still ran).</summary>
        Stopped,

        /// <summary>The service was saved (<see cref="Step.Saved"/>).</summary>
        Saved,
    }

    /// <summary>One step of the trace: what happened, to which replica (or which version and index failed to start), and the world right after.</summary>
    public sealed record Step(StepKind Kind, InMemoryReplica? Replica, int Version, int Index, bool WasAlive, ServiceState<InMemoryReplica>? Saved, ImmutableArray<Observed> World);

    /// <summary>A replica that runs, and whether it is ready (serves).</summary>
    public readonly record struct Observed(InMemoryReplica Replica, bool Ready);

    public InstantTimeProvider Time => time;

    public IReadOnlyList<Step> Trace => _trace;

    /// <summary>The service as last saved: what the state store holds after a crash or a failed call.</summary>
    public ServiceState<InMemoryReplica>? Saved { get; private set; }

    /// <summary>The serial the next replica started gets; every replica started earlier has a lower one.</summary>
    public int NextSerial => _lastSerial + 1;

    /// <summary>The replicas that run right now, with whether each is ready.</summary>
    public ImmutableArray<Observed> World()
    {
        var now = time.GetUtcNow();
        return [.. _lives.Values.Where(l => l.IsAlive(now)).OrderBy(l => l.Replica.Serial).Select(l => new Observed(l.Replica, l.IsReady(now)))];
    }

    /// <summary>Starting replica <paramref name="index"/> with <paramref name="version"/> is refused.</summary>
    public void FailStart(int version, int index) => Change(version, index, f => f with { StartFails = true });

    /// <summary>Replica <paramref name="index"/> of <paramref name="version"/> never becomes ready: its health check never passes, or without one it exits with status 1 right after start.</summary>
    public void NeverReady(int version, int index) => Change(version, index, f => f with { NeverReady = true });

    /// <summary>The health check of replica <paramref name="index"/> of <paramref name="version"/> passes only <paramref name="delay"/> after it started.</summary>
    public void ReadyAfter(int version, int index, TimeSpan delay) => Change(version, index, f => f with { ReadyAfter = delay });

    /// <summary>Replica <paramref name="index"/> of <paramref name="version"/> exits by itself <paramref name="after"/> its start, with <paramref name="exitCode"/>.</summary>
    public void ExitAfter(int version, int index, TimeSpan after, int exitCode) => Change(version, index, f => f with { ExitsAfter = after, ExitCode = exitCode });

    /// <summary>Every later start works and becomes ready: no refusals, no replica that never becomes ready or exits. Slow health checks stay slow.</summary>
    public void ClearFailures()
    {
        foreach (var key in _faults.Keys.ToList())
        {
            _faults[key] = _faults[key] with { StartFails = false, NeverReady = false, ExitsAfter = null };
        }
    }

    /// <summary>The replica exits now, by itself, with <paramref name="exitCode"/> (null: its status is not known).</summary>
    public void Kill(InMemoryReplica replica, int? exitCode)
    {
        var life = _lives[replica.Serial];
        life.ExitsAt = time.GetUtcNow();
        life.ExitCode = exitCode;
    }

    public ReplicaSettings Settings(Value inputs) => ReplicaSettings.Read(inputs, []);

    public bool Replaces(Value before, Value after) => !ServicePlanning.SameInputs(ReplacingInputs, before, after);

    public bool Runs(ServiceState<InMemoryReplica> service, InMemoryReplica replica, Value inputs) => !Replaces(service.InputsOf(replica), inputs);

    public ValueTask<ReplicaStatus> StatusAsync(ServiceState<InMemoryReplica> service, InMemoryReplica replica, CancellationToken cancellationToken)
    {
        if (!_lives.TryGetValue(replica.Serial, out var life))
        {
            return ValueTask.FromResult(ReplicaStatus.Gone);
        }

        return ValueTask.FromResult(life.IsAlive(time.GetUtcNow()) ? ReplicaStatus.Running : new ReplicaStatus(false, life.ExitCode));
    }

    public ValueTask<ReplicaStart<InMemoryReplica>> StartAsync(ServiceState<InMemoryReplica> service, Value inputs, int index, int? port, CancellationToken cancellationToken)
    {
        var version = VersionOf(inputs);
        var fault = _faults.GetValueOrDefault((version, index)) ?? new Fault();
        if (fault.StartFails)
        {
            Record(StepKind.StartFailed, null, version, index, wasAlive: false, saved: null);
            return ValueTask.FromResult(new ReplicaStart<InMemoryReplica>(null, $"version {version} cannot start"));
        }

        if (port is { } wanted && PortInUse(wanted))
        {
            throw new InvalidOperationException($"replica {index} of version {version} was started on port {wanted}, which a running replica holds");
        }

        var now = time.GetUtcNow();
        var health = Settings(inputs).Health is not null;
        var replica = new InMemoryReplica(index, port, Rollout: false, version, ++_lastSerial);
        var life = new Life(replica)
        {
            ReadyAt = !health ? now + ReplicaSettings.StartGrace : fault.NeverReady ? null : now + fault.ReadyAfter,
            ExitsAt = fault.NeverReady && !health ? now + NeverReadyExit : now + fault.ExitsAfter,
            ExitCode = fault.NeverReady && !health ? 1 : fault.ExitCode,
        };
        _lives.Add(replica.Serial, life);
        Record(StepKind.Started, replica, version, index, wasAlive: true, saved: null);
        return ValueTask.FromResult(new ReplicaStart<InMemoryReplica>(replica, null, LogMark: replica.Serial));
    }

    public Task StopAsync(ServiceState<InMemoryReplica> service, Value inputs, InMemoryReplica replica, CancellationToken cancellationToken)
    {
        var wasAlive = false;
        if (_lives.TryGetValue(replica.Serial, out var life))
        {
            wasAlive = life.IsAlive(time.GetUtcNow());
            if (wasAlive)
            {
                life.ExitsAt = time.GetUtcNow();
                life.ExitCode = StoppedExitCode;
            }
        }

        Record(StepKind.Stopped, replica, replica.Version, replica.Index, wasAlive, saved: null);
        return Task.CompletedTask;
    }

    public Task SaveAsync(ServiceState<InMemoryReplica> service, CancellationToken cancellationToken)
    {
        Saved = service;
        Record(StepKind.Saved, null, 0, -1, wasAlive: false, service);
        return Task.CompletedTask;
    }

    public Task<bool> ExecCheckAsync(HealthCheck check, ServiceState<InMemoryReplica> service, Value inputs, InMemoryReplica replica, CancellationToken cancellationToken) =>
        Task.FromResult(_lives.TryGetValue(replica.Serial, out var life) && life.IsReady(time.GetUtcNow()));

    public int FreePort() => _nextPort++;

    public bool PortInUse(int port)
    {
        var now = time.GetUtcNow();
        return _lives.Values.Any(l => l.Replica.Port == port && l.IsAlive(now));
    }

    public string Describe(InMemoryReplica replica) => $"serial {replica.Serial}";

    public Task<string> LogTailAsync(ServiceState<InMemoryReplica> service, InMemoryReplica replica, long logMark, CancellationToken cancellationToken) =>
        Task.FromResult($"version {replica.Version} replica {replica.Index} says goodbye");

    /// <summary>The version <paramref name="inputs"/> ask for.</summary>
    public static int VersionOf(Value inputs) => (int)inputs.AsMap()["version"].AsNumber();

    private void Change(int version, int index, Func<Fault, Fault> change) =>
        _faults[(version, index)] = change(_faults.GetValueOrDefault((version, index)) ?? new Fault());

    private void Record(StepKind kind, InMemoryReplica? replica, int version, int index, bool wasAlive, ServiceState<InMemoryReplica>? saved) =>
        _trace.Add(new Step(kind, replica, version, index, wasAlive, saved, World()));

    private sealed record Fault
    {
        public bool StartFails { get; init; }

        public bool NeverReady { get; init; }

        public TimeSpan ReadyAfter { get; init; }

        public TimeSpan? ExitsAfter { get; init; }

        public int? ExitCode { get; init; } = 1;
    }

    private sealed class Life(InMemoryReplica replica)
    {
        public InMemoryReplica Replica { get; } = replica;

        /// <summary>When it becomes ready; null: never.</summary>
        public DateTimeOffset? ReadyAt { get; init; }

        /// <summary>When it exits (by itself, or stopped); null: not yet known.</summary>
        public DateTimeOffset? ExitsAt { get; set; }

        public int? ExitCode { get; set; }

        public bool IsAlive(DateTimeOffset now) => ExitsAt is not { } exit || exit > now;

        public bool IsReady(DateTimeOffset now) => IsAlive(now) && ReadyAt is { } ready && ready <= now;
    }
}
