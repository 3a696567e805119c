namespace Baton.State;

/// <summary>How a journaled operation ended; committed together with the state change it made.</summary>
public sealed record JournalResult(string OperationId, JournalOutcome Outcome, string? Error = null);
