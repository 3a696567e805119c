namespace Baton.Providers;

/// <summary>The outcome of a delete.</summary>
public sealed record DeleteResult(ProviderError? Error = null)
{
    /// <summary>Deleted (or already gone).</summary>
    public static DeleteResult Success { get; } = new();
}
