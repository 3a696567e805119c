namespace Baton.Runs;

/// <summary>Which runs to list, newest first.</summary>
public sealed record RunQuery
{
    /// <summary>Only this stack's runs.</summary>
    public string? Stack { get; init; }

    /// <summary>Only this workflow's runs.</summary>
    public string? Workflow { get; init; }

    /// <summary>Only runs in this status.</summary>
    public RunStatus? Status { get; init; }

    /// <summary>Only runs not finished.</summary>
    public bool UnfinishedOnly { get; init; }

    /// <summary>At most this many.</summary>
    public int Limit { get; init; } = 100;
}
