using System.Collections.Immutable;
using Baton.Providers;
using Baton.Values;

namespace Baton.Replicas;

/// <summary>
/// The replicas of one service kind, driven through a driver: starting them and waiting until each is ready, scaling,
/// rolling updates with <c>max_surge</c> and <c>max_unavailable</c>, restarts, and what a read reports. The same
/// machinery serves every driver, so processes and containers behave alike.
/// </summary>
/// <typeparam name="TReplica">The driver's replica record.</typeparam>
public sealed class ReplicaSet<TReplica>
    where TReplica : IReplica<TReplica>
{
    /// <summary>How often a starting replica is probed until its health check first passes.</summary>
    private const double StartingProbeMilliseconds = 50;

    private readonly IReplicaDriver<TReplica> _driver;
    private readonly HealthProbe _probe;
    private readonly TimeProvider _time;

    /// <summary>Drives <paramref name="driver"/>; health checks go through <paramref name="probe"/>, waits through <paramref name="time"/>.</summary>
    public ReplicaSet(IReplicaDriver<TReplica> driver, HealthProbe probe, TimeProvider time)
    {
        _driver = driver;
        _probe = probe;
        _time = time;
    }

    /// <summary>Called after every step of a rolling update (replicas started and ready, or old ones stopped), with the update paused.</summary>
    public Func<CancellationToken, Task>? RolloutStepObserver { get; set; }

    /// <summary>
    /// Starts every replica of a new service and waits until each is ready. On failure the replicas started so far are
    /// returned with the error, still running: the caller stops them and forgets the service.
    /// </summary>
    public async Task<(ImmutableArray<TReplica> Replicas, ProviderError? Error)> CreateAsync(ServiceState<TReplica> service, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        await _driver.SaveAsync(service, cancellationToken);
        var settings = _driver.Settings(service.Inputs);
        var (started, _, error) = await StartReplicasAsync(service, service.Inputs, settings, Enumerable.Range(0, settings.Replicas), [], rollout: false, cancellationToken);
        return (started, error);
    }

    /// <summary>
    /// Finishes a create found again by its key (a retry, or the next apply after a crash): a replica it started counts
    /// only once it is ready, as a resumed rolling update's does (one that does not become ready is started again), and
    /// the replicas it had not started yet start. On failure the caller stops what runs and forgets the service.
    /// </summary>
    public Task<(ServiceState<TReplica>? Service, ProviderError? Error)> ResumeCreateAsync(ServiceState<TReplica> service, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        var unconfirmed = service with { RolloutInputs = service.Inputs, Replicas = [.. service.Replicas.Select(r => r.WithRollout(true))] };
        return RollOutAsync(unconfirmed, service.Inputs, _driver.Settings(service.Inputs), restart: null, only: null, cancellationToken);
    }

    /// <summary>
    /// Updates a service to <paramref name="inputs"/>: a rolling update when they replace the replicas (or an earlier one
    /// is unfinished); otherwise scaling (the highest indexes stop, missing ones start) and starting again the replicas
    /// that exited when the restart policy says so.
    /// </summary>
    public async Task<(ServiceState<TReplica>? Service, ProviderError? Error)> UpdateAsync(ServiceState<TReplica> service, Value inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        var settings = _driver.Settings(inputs);
        // Replicas that run anything else than the service's inputs (an unfinished rollout's) are replaced step by step too.
        if (_driver.Replaces(service.Inputs, inputs) || service.Replicas.Any(r => r.Rollout || r.OwnInputs is not null || !_driver.Runs(service, r, inputs)))
        {
            return await RollOutAsync(service, inputs, settings, restart: null, only: null, cancellationToken);
        }

        var keep = new List<TReplica>();
        var stop = new List<TReplica>();
        foreach (var replica in service.Replicas)
        {
            var status = await _driver.StatusAsync(service, replica, cancellationToken);
            var restart = !status.Alive && settings.ShouldRestart(status.ExitCode);
            (replica.Index >= settings.Replicas || restart ? stop : keep).Add(replica);
        }

        // The highest indexes first, as a scale-down should.
        await StopAllAsync(service, service.Inputs, [.. stop.OrderByDescending(r => r.Index)], cancellationToken);
        service = service with { Inputs = inputs, Replicas = [.. keep] };
        await _driver.SaveAsync(service, cancellationToken);
        var missing = Enumerable.Range(0, settings.Replicas).Where(i => keep.All(r => r.Index != i));
        var reusePorts = stop.Where(r => r.Port is not null).GroupBy(r => r.Index).ToDictionary(g => g.Key, g => g.First().Port!.Value);
        var (replicas, failed, error) = await StartReplicasAsync(service, inputs, settings, missing, reusePorts, rollout: false, cancellationToken);
        if (error is not null)
        {
            // A replica that did not become ready is stopped and forgotten, so no later update keeps it as serving.
            await StopAllAsync(service, inputs, failed, cancellationToken);
            await _driver.SaveAsync(service with { Replicas = [.. replicas.Except(failed)] }, cancellationToken);
            return (null, error);
        }

        return (service with { Replicas = replicas }, null);
    }

    /// <summary>
    /// Replaces the replicas with the same inputs (the restart action): one at a time, each on its own port again, or all
    /// at once; every replica, or only those in <paramref name="only"/>.
    /// </summary>
    public Task<(ServiceState<TReplica>? Service, ProviderError? Error)> RestartAsync(ServiceState<TReplica> service, RestartStrategy strategy, IReadOnlySet<int>? only, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        return RollOutAsync(service, service.Inputs, _driver.Settings(service.Inputs), strategy, only, cancellationToken);
    }

    /// <summary>Stops <paramref name="replicas"/> as <paramref name="inputs"/> say, all at once.</summary>
    public async Task StopAllAsync(ServiceState<TReplica> service, Value inputs, IReadOnlyCollection<TReplica> replicas, CancellationToken cancellationToken) =>
        await Task.WhenAll(replicas.Select(r => _driver.StopAsync(service, inputs, r, cancellationToken)));

    /// <summary>Each replica's liveness, exit status and (when <paramref name="probe"/>, with a health check) health now.</summary>
    public async Task<ImmutableArray<ReplicaView<TReplica>>> ViewAsync(ServiceState<TReplica> service, bool probe, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        var views = await Task.WhenAll(service.Replicas.Select(async replica =>
        {
            var inputs = service.InputsOf(replica);
            var check = _driver.Settings(inputs).Health;
            var status = await _driver.StatusAsync(service, replica, cancellationToken);
            bool? healthy = check is null ? null
                : !status.Alive ? false
                : !probe || await CheckAsync(check, service, inputs, replica, cancellationToken);
            return new ReplicaView<TReplica>(replica, status.Alive, healthy, status.Alive ? null : status.ExitCode);
        }));
        return [.. views];
    }

    /// <summary>
    /// The attributes a read, create or update reports: the inputs, <c>id</c>, <c>pids</c>, <c>endpoints</c>
    /// (<c>127.0.0.1:PORT</c> per replica with a port) and <c>replicas_state</c> (per replica its index, port, alive,
    /// healthy, rollout and exit_code, plus the driver's <paramref name="identity"/> fields).
    /// </summary>
    /// <remarks>
    /// With <paramref name="unreadyAsRollout"/> (the read that recovers an interrupted create) a replica that runs but
    /// does not pass its health check is reported as of an unfinished rollout: the create may have stopped while it
    /// waited for it, so the next plan updates the service and the update waits until it is ready.
    /// </remarks>
    public async Task<Value> AttributesAsync(
        ServiceState<TReplica> service, bool probe, Func<TReplica, int?> pid, Func<TReplica, IEnumerable<KeyValuePair<string, Value>>> identity, bool unreadyAsRollout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(pid);
        ArgumentNullException.ThrowIfNull(identity);
        var views = await ViewAsync(service, probe, cancellationToken);
        var states = views.Select(view => Value.Map(identity(view.Replica).Concat(
        [
            new("index", Value.Number(view.Replica.Index)),
            new("port", view.Replica.Port is { } port ? Value.Number(port) : Value.Null),
            new("alive", Value.Bool(view.Alive)),
            new("healthy", view.Healthy is { } healthy ? Value.Bool(healthy) : Value.Null),
            new("rollout", Value.Bool(view.Replica.Rollout || (unreadyAsRollout && view.Alive && view.Healthy == false))),
            new("exit_code", view.ExitCode is { } code ? Value.Number(code) : Value.Null),
        ])));
        var builder = service.Inputs.AsMap().ToBuilder();
        builder["id"] = Value.String(service.Id);
        builder["pids"] = Value.List(service.Replicas.Select(r => pid(r) is { } p ? Value.Number(p) : Value.Null));
        builder["endpoints"] = Value.List(service.Replicas.Where(r => r.Port is not null).Select(r => Value.String($"127.0.0.1:{r.Port}")));
        builder["replicas_state"] = Value.List(states);
        return Value.Map(builder);
    }

    /// <summary>Orders replicas by index, an index's old replica before its new one.</summary>
    private static ImmutableArray<TReplica> Sorted(IEnumerable<TReplica> replicas) => [.. replicas.OrderBy(r => r.Index).ThenBy(r => r.Rollout)];

    /// <summary>
    /// Replaces the replicas that do not run <paramref name="inputs"/> step by step: at most <c>replicas + max_surge</c>
    /// run, at least <c>replicas - max_unavailable</c> serve (a new replica counts once it is ready). The driver saves
    /// the service after every step, so a crash mid-rollout leaves the replicas it knows of, marked with which inputs they
    /// run. A new replica that fails stops the rollout: it is stopped, the old replicas still running stay, and the mixed
    /// state is what a read reports (the old inputs, so the next plan shows the change again). A fixed port cannot be
    /// held twice, so with one the old replica stops before the new one starts; an auto port is taken over by the
    /// replacement when its predecessor has stopped first.
    /// </summary>
    /// <remarks>
    /// A <paramref name="restart"/> replaces every replica (or those in <paramref name="only"/>) with the same inputs:
    /// one at a time (stop, start on the same port, wait until ready), or all at once for <see cref="RestartStrategy.All"/>.
    /// </remarks>
    private async Task<(ServiceState<TReplica>? Service, ProviderError? Error)> RollOutAsync(
        ServiceState<TReplica> record, Value inputs, ReplicaSettings settings, RestartStrategy? restart, IReadOnlySet<int>? only, CancellationToken cancellationToken)
    {
        var replicas = settings.Replicas;
        var maxSurge = restart is not null || settings.FixedPort is not null ? 0 : settings.MaxSurge;
        var maxUnavailable = restart switch
        {
            RestartStrategy.All => Math.Max(1, replicas),
            RestartStrategy.Rolling => 1,
            _ => settings.FixedPort is null ? settings.MaxUnavailable : Math.Max(1, settings.MaxUnavailable),
        };
        // A replacement takes over its predecessor's auto port once that one has stopped (a port still held gets a new
        // one, as with a surge). With max_surge 0 every replacement starts after its predecessor stops, so the endpoints
        // a load balancer in front knows stay the same through the whole rollout.
        var reusePorts = record.Replicas.Where(r => r.Port is not null).GroupBy(r => r.Index).ToDictionary(g => g.Key, g => g.First().Port!.Value);
        var oldInputs = record.Inputs;

        // Replicas of an earlier, unfinished rollout to these same inputs are kept: the rollout resumes.
        var current = new List<TReplica>();
        var old = new List<TReplica>();
        foreach (var replica in record.Replicas.OrderBy(r => r.Rollout ? 0 : 1))
        {
            // A restart replaces every replica, or only those it names.
            var kept = restart is null || (only is not null && !only.Contains(replica.Index));
            var matches = kept && replica.Index < replicas && current.All(c => c.Index != replica.Index)
                && _driver.Runs(record, replica, inputs) && (await _driver.StatusAsync(record, replica, cancellationToken)).Alive;
            (matches ? current : old).Add(replica);
        }

        // An old replica that does not run the service's inputs (one of an earlier rollout to other inputs) keeps a note of
        // what it runs, so the state says it truly whatever becomes of this rollout.
        old = [.. old.Select(r => r.WithRollout(false).WithOwnInputs(_driver.Runs(record, r, record.Inputs) ? null : record.InputsOf(r)))];
        current = [.. current.Select(r => r.WithRollout(true).WithOwnInputs(null))];
        record = record with { RolloutInputs = inputs };

        // A replica an earlier rollout started counts only once it is ready: that rollout may have stopped (or crashed)
        // before it waited for it. One that does not become ready is stopped and started again below.
        var resumed = current.ToList();
        var unready = await Task.WhenAll(resumed.Select(r => WaitReadyAsync(record, inputs, settings, r, 0, cancellationToken)));
        var broken = resumed.Where((_, i) => unready[i] is not null).ToList();
        if (broken.Count > 0)
        {
            await StopAllAsync(record, inputs, broken, cancellationToken);
            current.RemoveAll(broken.Contains);
        }

        ServiceState<TReplica> Snapshot() => record with { Replicas = Sorted(old.Concat(current)) };
        await _driver.SaveAsync(Snapshot(), cancellationToken);

        while (true)
        {
            old = await AliveAsync(record, oldInputs, old, cancellationToken);
            var missing = Enumerable.Range(0, replicas).Where(i => current.All(c => c.Index != i)).ToList();
            var serving = old.Count + current.Count;
            var stopCount = missing.Count == 0 ? old.Count : Math.Max(0, serving - (replicas - maxUnavailable));
            if (stopCount > 0)
            {
                // Surplus indexes first, then old replicas already replaced, then in index order (the order new ones start).
                var victims = old
                    .OrderBy(r => r.Index >= replicas ? 0 : current.Any(c => c.Index == r.Index) ? 1 : 2)
                    .ThenBy(r => r.Index)
                    .Take(stopCount)
                    .ToList();
                await StopAllAsync(record, oldInputs, victims, cancellationToken);
                old.RemoveAll(victims.Contains);
                await _driver.SaveAsync(Snapshot(), cancellationToken);
                await ObserveStepAsync(cancellationToken);
            }

            if (missing.Count == 0)
            {
                break;
            }

            var startCount = Math.Min(missing.Count, replicas + maxSurge - (old.Count + current.Count));
            if (startCount <= 0)
            {
                if (stopCount > 0)
                {
                    continue;
                }

                return (null, ProviderError.Permanent($"{record.Address}: the rolling update cannot proceed with max_surge {maxSurge} and max_unavailable {maxUnavailable}"));
            }

            var before = Snapshot();
            // Indexes no old replica holds (new ones when scaling up, or those just stopped) start first, on their ports.
            var next = missing.OrderBy(i => old.Any(o => o.Index == i) ? 1 : 0).ThenBy(i => i).Take(startCount);
            var (all, failed, error) = await StartReplicasAsync(before, inputs, settings, next, reusePorts, rollout: true, cancellationToken);
            var started = all.Except(before.Replicas).ToList();
            current.AddRange(started.Where(r => !failed.Contains(r)));
            if (error is not null)
            {
                await StopAllAsync(record, inputs, failed, cancellationToken);
                await _driver.SaveAsync(Snapshot(), cancellationToken);
                return (null, error with { Message = $"{(restart is null ? "rolling update" : "restart")} stopped: {error.Message}" });
            }

            await _driver.SaveAsync(Snapshot(), cancellationToken);
            await ObserveStepAsync(cancellationToken);
        }

        record = record with { Inputs = inputs, RolloutInputs = null, Replicas = Sorted(current.Select(r => r.WithRollout(false))) };
        await _driver.SaveAsync(record, cancellationToken);
        return (record, null);
    }

    /// <summary>
    /// The replicas of <paramref name="replicas"/> that run. Those that do not are stopped first (a container that
    /// exited, or was created and never started, is removed), so no index ever has a dead replica beside the one that
    /// replaces it, even for a moment a crash could freeze.
    /// </summary>
    private async Task<List<TReplica>> AliveAsync(ServiceState<TReplica> service, Value inputs, List<TReplica> replicas, CancellationToken cancellationToken)
    {
        var alive = new List<TReplica>(replicas.Count);
        var dead = new List<TReplica>();
        foreach (var replica in replicas)
        {
            ((await _driver.StatusAsync(service, replica, cancellationToken)).Alive ? alive : dead).Add(replica);
        }

        if (dead.Count > 0)
        {
            await StopAllAsync(service, inputs, dead, cancellationToken);
        }

        return alive;
    }

    private async Task ObserveStepAsync(CancellationToken cancellationToken)
    {
        if (RolloutStepObserver is { } observer)
        {
            await observer(cancellationToken);
        }
    }

    /// <summary>
    /// Starts replicas <paramref name="indexes"/> one after the other (each remembered at once), then waits until all of
    /// them are ready. Returns every replica of the service, those that failed to become ready, and the first error.
    /// </summary>
    private async Task<(ImmutableArray<TReplica> Replicas, ImmutableArray<TReplica> Failed, ProviderError? Error)> StartReplicasAsync(
        ServiceState<TReplica> record, Value inputs, ReplicaSettings settings, IEnumerable<int> indexes, Dictionary<int, int> reusePorts, bool rollout, CancellationToken cancellationToken)
    {
        var started = new List<(TReplica Replica, long LogMark)>();
        var all = record.Replicas.ToList();
        ProviderError? refused = null;
        foreach (var index in indexes)
        {
            if (settings.FixedPort is { } fixedPort && _driver.PortInUse(fixedPort))
            {
                refused = ProviderError.Permanent($"{record.Address}: port {fixedPort} is already in use");
                break;
            }

            int? port = settings.FixedPort ?? (settings.AutoPort ? (reusePorts.TryGetValue(index, out var old) && await PortFreesAsync(old, cancellationToken) ? old : FreePortBesides(all)) : null);
            var start = await _driver.StartAsync(record with { Replicas = Sorted(all) }, inputs, index, port, cancellationToken);
            if (start.Replica is not { } replica)
            {
                // The replicas this round already started are still waited for below: none is kept unchecked.
                refused = ProviderError.Permanent($"{record.Address}: replica {index}: {start.Error}");
                break;
            }

            replica = replica.WithRollout(rollout);
            started.Add((replica, start.LogMark));
            all.Add(replica);

            // Remembered at once, so a crash from here on leaves no replica the service does not know.
            await _driver.SaveAsync(record with { Replicas = Sorted(all) }, cancellationToken);
        }

        var failures = await Task.WhenAll(started.Select(s => WaitReadyAsync(record, inputs, settings, s.Replica, s.LogMark, cancellationToken)));
        var failure = failures.FirstOrDefault(f => f is not null);
        ImmutableArray<TReplica> failed = [.. started.Where((_, i) => failures[i] is not null).Select(s => s.Replica)];
        return (Sorted(all), failed, refused ?? (failure is null ? null : ProviderError.Permanent(failure)));
    }

    /// <summary>
    /// A free port that no replica of <paramref name="replicas"/> was given: one started a moment ago may not have
    /// bound its port yet, and the kernel may offer the same one again.
    /// </summary>
    private int FreePortBesides(List<TReplica> replicas)
    {
        var port = _driver.FreePort();
        for (var attempt = 0; attempt < 100 && replicas.Exists(r => r.Port == port); attempt++)
        {
            port = _driver.FreePort();
        }

        return port;
    }

    /// <summary>
    /// Whether <paramref name="port"/> (a stopped predecessor's) is free, or frees within a second: the predecessor's
    /// socket, or a short connection that happened to take the port on this busy host, may hold it a moment longer.
    /// Keeping the port keeps the endpoints a load balancer in front knows.
    /// </summary>
    private async Task<bool> PortFreesAsync(int port, CancellationToken cancellationToken)
    {
        for (var attempt = 0; _driver.PortInUse(port); attempt++)
        {
            if (attempt >= 20)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), _time, cancellationToken);
        }

        return true;
    }

    /// <summary>
    /// Waits until a new replica is healthy (its health check passes healthy_threshold times in a row) or, without a
    /// check, is still alive a moment after start. A replica that exits, or is not healthy within start_period plus
    /// timeout, fails with the last lines of its log.
    /// </summary>
    private async Task<string?> WaitReadyAsync(ServiceState<TReplica> record, Value inputs, ReplicaSettings settings, TReplica replica, long logMark, CancellationToken cancellationToken)
    {
        async Task<string> Failure(string what) =>
            $"{record.Address}: replica {replica.Index} ({_driver.Describe(replica)}) {what}; last log lines:\n{await _driver.LogTailAsync(record, replica, logMark, cancellationToken)}";
        if (settings.Health is not { } check)
        {
            await Task.Delay(ReplicaSettings.StartGrace, _time, cancellationToken);
            var status = await _driver.StatusAsync(record, replica, cancellationToken);
            if (status.Alive)
            {
                return null;
            }

            // A one-shot command (restart: no or on-failure) that finished successfully has done its job.
            return status.ExitCode == 0 && settings.Restart != ReplicaSettings.RestartAlways ? null
                : await Failure($"exited right after start{(status.ExitCode is { } c ? $" with status {c}" : "")}");
        }

        var deadline = _time.GetUtcNow() + check.StartPeriod + check.Timeout;
        var passes = 0;
        while (true)
        {
            if (!(await _driver.StatusAsync(record, replica, cancellationToken)).Alive)
            {
                return await Failure("exited before it became healthy");
            }

            passes = await CheckAsync(check, record, inputs, replica, cancellationToken) ? passes + 1 : 0;
            if (passes >= check.HealthyThreshold)
            {
                return null;
            }

            if (_time.GetUtcNow() >= deadline)
            {
                return await Failure($"did not become healthy within {check.StartPeriod + check.Timeout}");
            }

            // Until the first pass, probe often (a refused connection costs next to nothing), so a replica counts as
            // ready within ~50 ms of listening rather than a whole interval later.
            await Task.Delay(passes > 0 ? check.Interval : TimeSpan.FromMilliseconds(Math.Min(check.Interval.TotalMilliseconds, StartingProbeMilliseconds)), _time, cancellationToken);
        }
    }

    private Task<bool> CheckAsync(HealthCheck check, ServiceState<TReplica> service, Value inputs, TReplica replica, CancellationToken cancellationToken) =>
        _probe.CheckAsync(check, replica.Port, token => _driver.ExecCheckAsync(check, service, inputs, replica, token), cancellationToken);
}
