using System.Collections.Immutable;
using Baton.Diagnostics;

namespace Baton.Providers;

/// <summary>What is wrong with a resource's inputs, if anything.</summary>
public sealed record ValidateResult(ImmutableArray<Diagnostic> Diagnostics)
{
    /// <summary>Nothing wrong.</summary>
    public static ValidateResult Valid { get; } = new([]);
}
