using Baton.Plans;

namespace Baton.Engine.Applying;

/// <summary>Hears about an apply as it goes, for live progress. Called from many threads; must be quick.</summary>
public interface IApplyObserver
{
    /// <summary>An operation started.</summary>
    void Started(ResourceChange change);

    /// <summary>An operation failed an attempt and will be retried after <paramref name="delay"/>.</summary>
    void Retrying(ResourceChange change, int attempt, TimeSpan delay, string error);

    /// <summary>An operation ended.</summary>
    void Finished(ResourceChange change, OperationOutcome outcome, string? error, TimeSpan elapsed);

    /// <summary>A notification's verb ran on its target (or failed).</summary>
    void Notified(PlannedNotification notification, OperationOutcome outcome, string? error, TimeSpan elapsed)
    {
    }
}
