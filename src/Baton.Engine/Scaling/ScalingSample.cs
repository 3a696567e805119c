namespace Baton.Engine.Scaling;

/// <summary>One evaluation of an autoscaled resource, for its chart: the replicas, the metric and what was decided.</summary>
/// <param name="At">When.</param>
/// <param name="Replicas">Replicas at the time.</param>
/// <param name="Metric">The metric per replica; null when it could not be read.</param>
/// <param name="Desired">The replicas decided on.</param>
public sealed record ScalingSample(DateTimeOffset At, int Replicas, double? Metric, int Desired);
