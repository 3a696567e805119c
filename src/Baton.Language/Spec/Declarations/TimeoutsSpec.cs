namespace Baton.Spec.Declarations;

/// <summary>Limits on how long one provider operation on a resource may take; null means the engine's default.</summary>
public sealed record TimeoutsSpec(TimeSpan? Create, TimeSpan? Update, TimeSpan? Delete);
