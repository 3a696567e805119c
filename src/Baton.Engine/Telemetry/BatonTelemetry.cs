using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Baton.Engine.Telemetry;

/// <summary>
/// Baton's own metrics and traces, through the platform's <see cref="Meter"/> and <see cref="ActivitySource"/> (named
/// <c>Baton</c>): nothing is recorded unless a listener (the control plane's Prometheus endpoint, an OTLP exporter)
/// subscribes, so the CLI pays nothing for them.
/// </summary>
public static class BatonTelemetry
{
    /// <summary>The name of the meter and the activity source.</summary>
    public const string Name = "Baton";

    private static readonly Meter Meter = new(Name, "1.0");

    /// <summary>Spans: one per apply, operation, workflow run and step attempt.</summary>
    public static ActivitySource Traces { get; } = new(Name, "1.0");

    /// <summary>Applies and destroys that finished, by stack, kind and status.</summary>
    public static Counter<long> Applies { get; } = Meter.CreateCounter<long>("baton.applies", description: "Applies and destroys that finished");

    /// <summary>Provider operations, by provider type, action and outcome.</summary>
    public static Counter<long> Operations { get; } = Meter.CreateCounter<long>("baton.operations", description: "Provider operations of applies");

    /// <summary>How long provider operations took, by provider type and action.</summary>
    public static Histogram<double> OperationDuration { get; } = Meter.CreateHistogram<double>(
        "baton.operation.duration",
        unit: "s",
        description: "How long provider operations took",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] });

    /// <summary>Durable workflow step transitions committed, by kind.</summary>
    public static Counter<long> StepTransitions { get; } = Meter.CreateCounter<long>("baton.workflow.transitions", description: "Durable workflow transitions committed");

    /// <summary>Workflow runs that finished, by workflow and status.</summary>
    public static Counter<long> Runs { get; } = Meter.CreateCounter<long>("baton.workflow.runs", description: "Workflow runs that finished");

    /// <summary>What the reconciler found and did, by kind (resource.unhealthy, heal.finished, drift.detected, …).</summary>
    public static Counter<long> Reconciler { get; } = Meter.CreateCounter<long>("baton.reconciler.findings", description: "What the reconciler found and did");

    /// <summary>How long a reconciler pass took, by pass (health, drift).</summary>
    public static Histogram<double> ReconcileDuration { get; } = Meter.CreateHistogram<double>("baton.reconciler.pass.duration", unit: "s", description: "How long a reconciler pass took");

    /// <summary>Scaling decisions that changed a replica count, by resource and direction.</summary>
    public static Counter<long> ScalingDecisions { get; } = Meter.CreateCounter<long>("baton.autoscaler.decisions", description: "Scaling decisions that changed a replica count");

    /// <summary>Registers an observable gauge on Baton's meter (the control plane's queue depth and lags).</summary>
    public static void Gauge(string name, string description, Func<IEnumerable<Measurement<long>>> observe) =>
        Meter.CreateObservableGauge(name, observe, description: description);
}
