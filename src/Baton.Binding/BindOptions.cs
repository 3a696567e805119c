namespace Baton.Binding;

/// <summary>How strictly <see cref="StackBinder"/> binds a stack.</summary>
public sealed record BindOptions
{
    /// <summary>
    /// Whether a variable without a value is an error (plan, apply) or is carried as unknown (validate, graph), so a
    /// stack can be checked without its secrets. Default: false.
    /// </summary>
    public bool RequireAllVariables { get; init; }

    /// <summary>The most instances one resource may expand to. Default: 100,000.</summary>
    public int MaxInstancesPerResource { get; init; } = 100_000;
}
