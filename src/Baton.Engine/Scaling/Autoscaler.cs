using System.Collections.Immutable;
using Baton.Diagnostics;
using Baton.Engine.Planning;
using Baton.Engine.Reconciling;
using Baton.Engine.Telemetry;
using Baton.Expressions;
using Baton.Binding;
using Baton.Scaling;
using Baton.Spec.Declarations;
using Baton.State;
using Baton.Values;

namespace Baton.Engine.Scaling;

/// <summary>
/// Target tracking for a stack's autoscaled services. Every <c>interval</c> (default 1 s) it reads each one's metric
/// per replica, feeds the <see cref="TargetTracker"/> (proportional rule, tolerance band, scale-out and scale-in
/// windows, step limits) and, when the count should change, changes it by an ordinary apply under the stack lock:
/// the service's <c>replicas</c> is overridden and its dependents (a load balancer) are applied with it, so new
/// replicas join them only once the service reports them ready. A scale-in drains first: the dependents are applied
/// without the endpoints of the replicas that will stop, then, after <c>drain</c>, the replicas stop.
/// </summary>
public sealed class Autoscaler : IDisposable
{
    private static readonly TimeSpan HistoryLength = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(5);

    private readonly Func<StackSession> _open;
    private readonly Action<ReconcileFinding> _report;
    private readonly TimeProvider _time;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly Dictionary<string, Tracked> _tracked = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Creates the autoscaler of one stack.</summary>
    /// <param name="open">Opens a session on the stack as served now (the caller's to dispose).</param>
    /// <param name="report">Receives each scaling event.</param>
    /// <param name="time">The clock.</param>
    public Autoscaler(Func<StackSession> open, Action<ReconcileFinding> report, TimeProvider time)
    {
        _open = open;
        _report = report;
        _time = time;
    }

    /// <summary>The autoscaled resources and their recent history.</summary>
    public IReadOnlyList<AutoscalerStatus> Status
    {
        get
        {
            lock (_gate)
            {
                return [.. _tracked.Values.Select(t => t.Status)];
            }
        }
    }

    /// <summary>How long to wait before the next pass: the shortest interval of the autoscaled resources.</summary>
    public static TimeSpan IntervalOf(BoundStack stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var intervals = stack.Spec.Resources.Where(r => r.Autoscale is not null).Select(r => r.Autoscale!.Interval ?? TimeSpan.FromSeconds(1)).ToList();
        return intervals.Count == 0 ? TimeSpan.FromSeconds(5) : intervals.Min();
    }

    /// <summary>One pass over every autoscaled resource.</summary>
    public async Task EvaluateAsync(CancellationToken cancellationToken)
    {
        await using var session = _open();
        var autoscaled = session.Stack.Graph.Nodes.Where(n => n.Resource.Autoscale is not null).ToList();
        if (autoscaled.Count == 0)
        {
            return;
        }

        var state = await session.Store.LoadAsync(session.Name, cancellationToken);
        var scope = new EvaluationScope(new Dictionary<string, Value>(StringComparer.Ordinal) { ["var"] = Value.Map(session.Stack.Variables) }, session.Host);
        foreach (var instance in autoscaled)
        {
            var address = instance.Address.ToString();
            var spec = instance.Resource.Autoscale!;
            var resource = state.Resources.Values.FirstOrDefault(r => r.Address == address && r.DeposedKey is null);
            if (resource is null || Policy(spec, scope) is not { } policy)
            {
                continue;
            }

            var source = spec.Source is { } expression && Evaluator.Evaluate(expression, scope, new DiagnosticBag()) is { Kind: ValueKind.String } url ? url.AsString() : null;
            var tracked = Track(address, spec, policy, source);
            var replicas = Replicas(resource.Inputs);
            var (metric, problem) = await tracked.Sampler.SampleAsync(resource.Attributes, replicas, cancellationToken);
            var now = _time.GetUtcNow();
            var decision = tracked.Tracker.Observe(now, replicas, metric ?? double.NaN);
            tracked.Record(new ScalingSample(now, replicas, metric, decision.DesiredReplicas), metric, problem ?? decision.Reason, replicas, HistoryLength);
            if (!decision.IsChange)
            {
                continue;
            }

            BatonTelemetry.ScalingDecisions.Add(1, new KeyValuePair<string, object?>("resource", address), new KeyValuePair<string, object?>("direction", decision.Direction.ToString().ToLowerInvariant()));
            _report(new ReconcileFinding("scaling.decision", $"{address}: {replicas} → {decision.DesiredReplicas} replicas ({decision.Reason})", address));
            await ScaleAsync(session, state, resource, decision.DesiredReplicas, spec.Drain ?? TimeSpan.FromSeconds(2), cancellationToken);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private async Task ScaleAsync(StackSession session, StackState state, ResourceState resource, int desired, TimeSpan drain, CancellationToken cancellationToken)
    {
        var address = resource.Address;
        var current = Replicas(resource.Inputs);
        var dependents = Dependents(session, address);
        LockHolder holder;
        try
        {
            holder = await session.LockAsync("autoscale (control plane)", LockWait, cancellationToken);
        }
        catch (LockUnavailableException ex)
        {
            _report(new ReconcileFinding("scaling.deferred", $"{address}: scaling waits: {ex.Message}", address));
            return;
        }

        await using (holder)
        {
            await session.RecoverAsync(holder, cancellationToken);
            if (desired < current && dependents.Count > 0 && Endpoints(resource.Attributes) is { Length: > 0 } endpoints && endpoints.Length == current)
            {
                // Drain: the dependents first stop sending to the replicas that will stop (the highest indexes).
                var kept = Value.List(endpoints.Take(desired));
                var overrides = new Dictionary<string, IReadOnlyDictionary<string, Value>>(StringComparer.Ordinal);
                foreach (var dependent in state.Resources.Values.Where(r => dependents.Contains(r.Address)))
                {
                    var replaced = dependent.Inputs.AsMap().Where(p => p.Value.Equals(Value.List(endpoints))).ToDictionary(p => p.Key, _ => kept, StringComparer.Ordinal);
                    if (replaced.Count > 0)
                    {
                        overrides[dependent.Address] = replaced;
                    }
                }

                if (overrides.Count > 0 && !await ApplyAsync(session, holder, new PlanOptions { Targets = overrides.Keys.ToHashSet(StringComparer.Ordinal), InputOverrides = overrides }, $"{address}: draining {current - desired} replica(s)", cancellationToken))
                {
                    return;
                }

                await Task.Delay(drain, _time, cancellationToken);
            }

            var scale = new Dictionary<string, IReadOnlyDictionary<string, Value>>(StringComparer.Ordinal)
            {
                [address] = new Dictionary<string, Value>(StringComparer.Ordinal) { ["replicas"] = Value.Number(desired) },
            };
            await ApplyAsync(session, holder, new PlanOptions { Targets = new HashSet<string>(dependents.Append(address), StringComparer.Ordinal), InputOverrides = scale }, $"{address}: scaling to {desired} replicas", cancellationToken);
        }
    }

    private async Task<bool> ApplyAsync(StackSession session, LockHolder holder, PlanOptions options, string what, CancellationToken cancellationToken)
    {
        var state = await session.Store.LoadAsync(session.Name, cancellationToken);
        var diagnostics = new DiagnosticBag();
        var (_, result) = await session.PlanAndApplyAsync(holder, state, options, diagnostics, null, cancellationToken);
        if (diagnostics.HasErrors)
        {
            _report(new ReconcileFinding("scaling.failed", $"{what}: the plan has errors: {string.Join("; ", diagnostics.Where(d => d.IsError).Select(d => d.Message))}"));
            return false;
        }

        if (result is not null)
        {
            _report(new ReconcileFinding(result.Succeeded ? "scaling.applied" : "scaling.failed", $"{what}: {StackSession.Summary(result)}"));
        }

        return result?.Succeeded ?? true;
    }

    private Tracked Track(string address, AutoscaleSpec spec, AutoscalePolicy policy, string? source)
    {
        lock (_gate)
        {
            if (_tracked.TryGetValue(address, out var tracked) && tracked.Tracker.Policy == policy && tracked.Spec == spec && tracked.Source == source)
            {
                return tracked;
            }

            // A new policy (the stack file changed) starts a new tracker; the history stays.
            var sampler = new MetricSampler(spec.Metric, source, spec.Query, spec.Path ?? "/metrics", _http, _time);
            var next = new Tracked(spec, new TargetTracker(policy), sampler, address, source, tracked?.Status.History ?? []);
            _tracked[address] = next;
            return next;
        }
    }

    private static AutoscalePolicy? Policy(AutoscaleSpec spec, EvaluationScope scope)
    {
        var diagnostics = new DiagnosticBag();
        var min = Evaluator.Evaluate(spec.Min, scope, diagnostics);
        var max = Evaluator.Evaluate(spec.Max, scope, diagnostics);
        var target = Evaluator.Evaluate(spec.Target, scope, diagnostics);
        if (diagnostics.HasErrors || min.Kind != ValueKind.Number || max.Kind != ValueKind.Number || target.Kind != ValueKind.Number)
        {
            return null;
        }

        var policy = new AutoscalePolicy
        {
            Min = (int)min.AsNumber(),
            Max = (int)max.AsNumber(),
            Target = target.AsNumber(),
            Tolerance = spec.Tolerance ?? 0.1,
            ScaleOutWindow = spec.ScaleOutWindow ?? TimeSpan.FromSeconds(5),
            ScaleInWindow = spec.ScaleInWindow ?? TimeSpan.FromSeconds(60),
            ScaleOutMaxStep = spec.ScaleOutMaxStep ?? int.MaxValue,
            ScaleInMaxStep = spec.ScaleInMaxStep ?? 1,
        };
        return policy.Validate().IsEmpty ? policy : null;
    }

    private static HashSet<string> Dependents(StackSession session, string address)
    {
        var graph = session.Stack.Graph;
        var result = new HashSet<string>(StringComparer.Ordinal);
        for (var node = 0; node < graph.NodeCount; node++)
        {
            if (graph[node].Address.ToString() != address)
            {
                continue;
            }

            foreach (var dependent in graph.Dependents(node))
            {
                result.Add(graph[dependent].Address.ToString());
            }
        }

        return result;
    }

    private static int Replicas(Value inputs) =>
        inputs.Kind == ValueKind.Map && inputs.AsMap().TryGetValue("replicas", out var replicas) && replicas.Kind == ValueKind.Number ? (int)replicas.AsNumber() : 1;

    private static ImmutableArray<Value> Endpoints(Value attributes) =>
        attributes.Kind == ValueKind.Map && attributes.AsMap().TryGetValue("endpoints", out var list) && list.Kind == ValueKind.List ? list.AsList() : [];

    private sealed class Tracked(AutoscaleSpec spec, TargetTracker tracker, MetricSampler sampler, string address, string? source, ImmutableArray<ScalingSample> history)
    {
        public string? Source { get; } = source;

        public AutoscaleSpec Spec { get; } = spec;

        public TargetTracker Tracker { get; } = tracker;

        public MetricSampler Sampler { get; } = sampler;

        public AutoscalerStatus Status { get; private set; } = new()
        {
            Address = address,
            Metric = spec.Metric,
            Target = tracker.Policy.Target,
            Min = tracker.Policy.Min,
            Max = tracker.Policy.Max,
            History = history,
        };

        public void Record(ScalingSample sample, double? metric, string reason, int replicas, TimeSpan keep)
        {
            var history = Status.History.Add(sample);
            var cut = 0;
            while (cut < history.Length && sample.At - history[cut].At > keep)
            {
                cut++;
            }

            Status = Status with
            {
                Replicas = replicas,
                LastMetric = metric,
                LastReason = reason,
                History = cut > 0 ? history.RemoveRange(0, cut) : history,
            };
        }
    }
}
