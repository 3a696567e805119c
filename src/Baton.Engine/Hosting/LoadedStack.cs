using Baton.Diagnostics;
using Baton.Binding;
using Baton.Spec.Declarations;

namespace Baton.Engine.Hosting;

/// <summary>A loaded stack and what was found wrong with it.</summary>
/// <param name="Spec">The parsed stack, when its files could be read.</param>
/// <param name="Bound">The bound stack, when it could be bound.</param>
/// <param name="Diagnostics">Everything found wrong.</param>
public sealed record LoadedStack(StackSpec? Spec, BoundStack? Bound, DiagnosticBag Diagnostics)
{
    /// <summary>The diagnostics in file, line and column order.</summary>
    public IReadOnlyList<Diagnostic> SortedDiagnostics => Diagnostics.Sorted();

    /// <summary>Whether the stack has no errors and its graph no cycle: it can be planned and applied.</summary>
    public bool IsUsable => !Diagnostics.HasErrors && Bound is { IsAcyclic: true };
}
