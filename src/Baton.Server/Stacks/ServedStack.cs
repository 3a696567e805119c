using System.Collections.Concurrent;
using System.Security.Cryptography;
using Baton.Diagnostics;
using Baton.Engine;
using Baton.Engine.Hosting;
using Baton.Engine.Planning;
using Baton.Engine.Providers;
using Baton.Engine.Reconciling;
using Baton.Engine.Scaling;
using Baton.Engine.Secrets;
using Baton.Engine.Telemetry;
using Baton.Engine.Workflows;
using Baton.Binding;
using Baton.Runs;
using Baton.Server.Events;
using Baton.Server.Security;
using Baton.Spec;
using Baton.State;
using Baton.State.Sqlite;

namespace Baton.Server.Stacks;

/// <summary>
/// A stack the control plane serves: its state store, the last good version of its files (an edit that breaks them is
/// reported and the last good version keeps running), its workflow runtime and worker, and the tail that feeds its
/// state and run events into the live stream.
/// </summary>
internal sealed class ServedStack : IAsyncDisposable
{
    private readonly ProviderRegistry _registry;
    private readonly TimeProvider _time;
    private readonly EventHub _hub;
    private readonly byte[] _stackKey;
    private readonly List<StackSession> _sessions = [];
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly Lock _gate = new();
    private readonly ConcurrentQueue<StackEvent> _notices = new();
    private string _sourceHash;
    private string? _brokenHash;
    private StackWorkflowHost _host;
    private long _eventCursor;
    private long _runCursor;
    private Autoscaler? _autoscaler;
    private Reconciler? _reconciler;

    private ServedStack(StackSource source, ProviderRegistry registry, StateStores stores, AesGcmSecretProtector protector, byte[] stackKey, LoadedStack loaded, EventHub hub, TimeProvider time)
    {
        Source = source;
        _registry = registry;
        Stores = stores;
        Protector = protector;
        _stackKey = stackKey;
        _hub = hub;
        _time = time;
        Current = loaded;
        _sourceHash = PlanFile.HashSources(loaded.Spec!.Files);
        Owner = LocalOwner.Name("serve " + Guid.NewGuid().ToString("N")[..8]);
        Runtime = new WorkflowRuntime(stores.Runs, new WorkflowRuntimeOptions { Owner = Owner, Time = time });
        _host = NewHost(loaded);
        Worker = new WorkflowWorker(stores.Runs, Runtime, source.Directory, ExecuteRunAsync, r => r.Owner == Owner, _ => { }, time);
    }

    public StackSource Source { get; }

    public string Name => Current.Spec!.Name;

    public string Directory => Source.Directory;

    /// <summary>The stores of the stack's state file, each consumer taking the contract it uses.</summary>
    public StateStores Stores { get; }

    public AesGcmSecretProtector Protector { get; }

    /// <summary>The last version of the stack that loaded without errors.</summary>
    public LoadedStack Current { get; private set; }

    /// <summary>What is wrong with the files as they are now (empty when they load cleanly).</summary>
    public IReadOnlyList<Diagnostic> Problems { get; private set; } = [];

    public WorkflowRuntime Runtime { get; }

    /// <summary>This control plane's name as a run lease owner.</summary>
    public string Owner { get; }

    public WorkflowWorker Worker { get; }

    /// <summary>When the reconciler last finished a health pass (its lag is the time since).</summary>
    public DateTimeOffset? LastHealthPass { get; private set; }

    public static async Task<ServedStack> OpenAsync(StackSource source, ProviderRegistry registry, EventHub hub, TimeProvider time, CancellationToken cancellationToken)
    {
        var loaded = source.LoadChecked(registry, new BindOptions { RequireAllVariables = true });
        if (!loaded.IsUsable)
        {
            throw new StackLoadException(source, loaded.SortedDiagnostics);
        }

        var keys = new SecretKeySource(
            Path.Combine(source.Directory, SecretKeySource.DefaultRelativePath),
            name => source.Environment.TryGetValue(name, out var value) ? value : null);
        StateLocation.TryResolveSqlitePath(null, source.Directory, out var path);

        // A missing key is made anew only for a state with nothing sealed: only the lost key reads what is.
        var key = keys.GetKey(() => SqliteStores.HoldsSealedValues(path) ? path : null);
        var protector = new AesGcmSecretProtector(key) { KeySource = keys.Origin };
        StateStores stores;
        try
        {
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var backups = new StateBackups(path, time)
            {
                Failed = ex => hub.Publish(new StackEvent
                {
                    Stack = loaded.Spec!.Name,
                    Source = EventSources.Control,
                    Kind = "state.backup.failed",
                    Message = $"the state was not backed up: {ex.Message}",
                    At = time.GetUtcNow(),
                }),
            };
            stores = await SqliteStores.OpenAsync(path, protector, time, backups, cancellationToken);
        }
        catch
        {
            protector.Dispose();
            throw;
        }

        var served = new ServedStack(source, registry, stores, protector, key, loaded, hub, time);
        try
        {
            await served.SkipHistoryAsync(cancellationToken);
        }
        catch
        {
            await served.DisposeAsync();
            throw;
        }

        return served;
    }

    /// <summary>The HMAC key webhook requests for <paramref name="workflow"/> are signed with (derived from the stack's secret key).</summary>
    public byte[] WebhookKey(string workflow) => WebhookKeys.Derive(_stackKey, workflow);

    /// <summary>A session on the current version, for planning and applying (the caller disposes it).</summary>
    public StackSession OpenSession() =>
        new(Current.Bound!, Directory, Stores.State, Stores.Locks, Stores.Applies, _registry, new StackFileHost(Directory), _time);

    /// <summary>Starts a worker round now rather than at the next interval.</summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // A round is already due.
        }
    }

    /// <summary>Reloads the files when they changed: a good version replaces the current one, a broken one is reported.</summary>
    public void ReloadIfChanged()
    {
        var loaded = Source.LoadChecked(_registry, new BindOptions { RequireAllVariables = true });
        var hash = loaded.Spec is { } spec ? PlanFile.HashSources(spec.Files) : "unreadable";
        if (hash == _brokenHash)
        {
            return;
        }

        if (hash == _sourceHash)
        {
            // The files are back to the version being served (an edit was undone).
            if (Problems.Count > 0)
            {
                _brokenHash = null;
                Problems = [];
                Publish("stack.reloaded", "the stack's files are valid again (back to the version being served)");
            }

            return;
        }

        if (!loaded.IsUsable || loaded.Spec!.Name != Name)
        {
            _brokenHash = hash;
            Problems = loaded.Spec is { } s && s.Name != Name && loaded.IsUsable
                ? [new Diagnostic { Severity = DiagnosticSeverity.Error, Code = DiagnosticCodes.CommandFailed, Message = $"the stack was renamed to \"{s.Name}\"; restart the control plane to serve it under the new name" }]
                : loaded.SortedDiagnostics.Where(d => d.IsError).ToList();
            Publish("stack.invalid", $"the stack's files have {Problems.Count} error(s); still serving the last good version: {Problems[0].Message}");
            return;
        }

        lock (_gate)
        {
            Current = loaded;
            _sourceHash = hash;
            _brokenHash = null;
            Problems = [];
            _host = NewHost(loaded);
        }

        Publish("stack.reloaded", "the stack's files changed; now serving the new version");
    }

    /// <summary>
    /// Stores the control plane's notices in the stack's event log, then reads new state, control and run events from
    /// the store into the live stream: what the stream shows is what the store holds.
    /// </summary>
    public async Task PumpEventsAsync(CancellationToken cancellationToken)
    {
        await StoreNoticesAsync(cancellationToken);
        while (true)
        {
            var events = await Stores.Events.ReadEventsAsync(Name, _eventCursor, 500, cancellationToken);
            foreach (var e in events)
            {
                _hub.Publish(e);
                _eventCursor = e.Id;
            }

            var runs = await Stores.Runs.ReadRunFeedAsync(Name, _runCursor, 500, cancellationToken);
            foreach (var entry in runs)
            {
                _hub.Publish(StackEvent.FromRun(Name, entry));
                _runCursor = entry.Position;
            }

            if (events.Count < 500 && runs.Count < 500)
            {
                return;
            }
        }
    }

    /// <summary>The worker loop: schedules and runs, until stopped.</summary>
    public async Task RunWorkerAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Worker.RoundAsync(Current.Spec!, cancellationToken);
                await _wake.WaitAsync(TimeSpan.FromSeconds(1), cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Publish("worker.error", "the workflow worker failed a round and will try again: " + ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), _time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>
    /// The reconciler's loops: health every <c>reconcile.health_interval</c>, drift every <c>reconcile.refresh_interval</c>
    /// (read from the served version each time); each finding is an event, and unhealthy or drifted resources start the
    /// workflows whose triggers name them.
    /// </summary>
    public async Task RunReconcilerAsync(CancellationToken cancellationToken)
    {
        var reconciler = Reconciler;
        var nextDrift = _time.GetUtcNow() + Current.Spec!.Reconcile.RefreshInterval;
        while (!cancellationToken.IsCancellationRequested)
        {
            var settings = Current.Spec!.Reconcile;
            try
            {
                var started = _time.GetTimestamp();
                await reconciler.CheckHealthAsync(settings, cancellationToken);
                BatonTelemetry.ReconcileDuration.Record(_time.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("pass", "health"));
                LastHealthPass = _time.GetUtcNow();
                if (_time.GetUtcNow() >= nextDrift)
                {
                    nextDrift = _time.GetUtcNow() + settings.RefreshInterval;
                    started = _time.GetTimestamp();
                    await reconciler.CheckDriftAsync(settings, cancellationToken);
                    BatonTelemetry.ReconcileDuration.Record(_time.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("pass", "drift"));
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A provider that is down must not stop the control plane: say so, and try again next time.
                Publish("reconcile.failed", "the reconciler failed a pass and will try again: " + ex.Message);
            }

            await Task.Delay(settings.HealthInterval, _time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>The stack's reconciler (its last health pass feeds the API and the graph).</summary>
    public Reconciler Reconciler => _reconciler ??= new Reconciler(OpenSession, OnFinding, _time);

    /// <summary>The stack's autoscaler (its status feeds the API and the scaling chart).</summary>
    public Autoscaler Autoscaler => _autoscaler ??= new Autoscaler(OpenSession, OnFinding, _time);

    /// <summary>The autoscaler's loop: one pass per the shortest <c>autoscale.interval</c>, until stopped.</summary>
    public async Task RunAutoscalerAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Autoscaler.EvaluateAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Publish("scaling.failed", "the autoscaler failed a pass and will try again: " + ex.Message);
            }

            await Task.Delay(Autoscaler.IntervalOf(Current.Bound!), _time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private void OnFinding(ReconcileFinding finding)
    {
        BatonTelemetry.Reconciler.Add(1, new KeyValuePair<string, object?>("kind", finding.Kind));
        Publish(finding.Kind, finding.Message, finding.Address);
        // The reconciler's resource findings are trigger events under the same names.
        if (finding.Kind is WorkflowTriggers.ResourceUnhealthy or WorkflowTriggers.ResourceDrifted)
        {
            _ = TriggerAsync(finding.Kind, null, finding.Address, CancellationToken.None).ContinueWith(
                t => Publish("trigger.failed", $"{finding.Kind} could not start its workflows: {t.Exception?.GetBaseException().Message}"),
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted,
                TaskScheduler.Default);
        }
    }

    /// <summary>Starts, for the worker to run, every workflow whose trigger <paramref name="eventName"/> matches.</summary>
    public async Task<IReadOnlyList<RunRecord>> TriggerAsync(string eventName, string? workflow, string? resource, CancellationToken cancellationToken)
    {
        var started = new List<RunRecord>();
        foreach (var triggered in await WorkflowTriggers.StartAsync(Runtime, Current.Spec!, Directory, eventName, workflow, resource, cancellationToken))
        {
            if (triggered.Run is { } run)
            {
                started.Add(run);
            }
            else
            {
                Publish("trigger.failed", triggered.Problem!);
            }
        }

        if (started.Count > 0)
        {
            Wake();
        }

        return started;
    }

    /// <summary>Records a control-plane notice: stored in the stack's event log on the next pump, and streamed from there.</summary>
    public void Publish(string kind, string message, string? address = null) =>
        _notices.Enqueue(new StackEvent { Stack = Name, Source = EventSources.Control, Kind = kind, Message = message, Address = address, At = _time.GetUtcNow() });

    private async Task StoreNoticesAsync(CancellationToken cancellationToken)
    {
        while (_notices.TryPeek(out var notice))
        {
            try
            {
                await Stores.Events.AppendAsync(notice, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The store refuses writes (damaged, full): the notice still reaches people, and says so.
                _hub.Publish(notice with { Message = $"{notice.Message} (not stored: {ex.Message})" });
            }

            _notices.TryDequeue(out _);
        }
    }

    private async Task ExecuteRunAsync(string runId, CancellationToken cancellationToken)
    {
        StackWorkflowHost host;
        lock (_gate)
        {
            host = _host;
        }

        RunRecord run;
        try
        {
            var found = await Stores.Runs.GetRunAsync(runId, cancellationToken);
            if (found?.Owner is { } owner && owner != Owner && LocalOwner.IsDead(owner))
            {
                await Stores.Runs.ReleaseRunAsync(runId, owner, cancellationToken);
            }

            run = await Runtime.ExecuteAsync(runId, host, null, cancellationToken);
        }
        catch (RunUnavailableException)
        {
            return;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }

        if (run.IsFinished)
        {
            await TriggerAsync(run.Status == RunStatus.Succeeded ? WorkflowTriggers.WorkflowFinished : WorkflowTriggers.WorkflowFailed, run.Workflow, null, cancellationToken);
        }
    }

    private StackWorkflowHost NewHost(LoadedStack loaded)
    {
        var session = new StackSession(loaded.Bound!, Directory, Stores.State, Stores.Locks, Stores.Applies, _registry, new StackFileHost(Directory), _time);
        _sessions.Add(session);
        StackWorkflowHost? host = null;
        var operations = new StackOperations(Source, _registry, Stores.State, Stores.Locks, Stores.Applies, _time, () => Runtime, () => host!);
        host = new StackWorkflowHost(session, operations.InvokeAsync);
        return host;
    }

    /// <summary>The stream starts at the present: history is read through the paged endpoints, not replayed live.</summary>
    private async Task SkipHistoryAsync(CancellationToken cancellationToken)
    {
        while (await Stores.Events.ReadEventsAsync(Name, _eventCursor, 1000, cancellationToken) is { Count: > 0 } events)
        {
            _eventCursor = events[^1].Id;
        }

        while (await Stores.Runs.ReadRunFeedAsync(Name, _runCursor, 1000, cancellationToken) is { Count: > 0 } entries)
        {
            _runCursor = entries[^1].Position;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Notices of the stop itself are kept and shown before the store closes.
        try
        {
            await PumpEventsAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Best effort: a store that fails here fails the same way when it is opened next.
        }

        await Runtime.DisposeAsync();
        _autoscaler?.Dispose();
        foreach (var session in _sessions)
        {
            await session.DisposeAsync();
        }

        await Stores.DisposeAsync();
        Protector.Dispose();
        CryptographicOperations.ZeroMemory(_stackKey);
        _wake.Dispose();
    }
}
