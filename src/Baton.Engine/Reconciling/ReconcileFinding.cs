namespace Baton.Engine.Reconciling;

/// <summary>Something the reconciler saw or did, for the event stream: a kind, a line for people, the resource.</summary>
/// <param name="Kind">Dotted: <c>resource.unhealthy</c>, <c>heal.started</c>, <c>drift.detected</c>, …</param>
/// <param name="Message">One line for people (never holding a secret).</param>
/// <param name="Address">The resource, when about one.</param>
public sealed record ReconcileFinding(string Kind, string Message, string? Address = null);
