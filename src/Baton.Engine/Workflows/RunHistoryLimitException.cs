namespace Baton.Engine.Workflows;

/// <summary>A run's history reached its size bound; the run was failed with a clear error.</summary>
internal sealed class RunHistoryLimitException(string message) : Exception(message);
