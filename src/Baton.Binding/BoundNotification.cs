using Baton.Diagnostics;

namespace Baton.Binding;

/// <summary>
/// A notification between two resources, checked: when an instance of <see cref="Source"/> is created, updated or
/// replaced, <see cref="Verb"/> runs on the matching instance of <see cref="Target"/> — the one with the same key (the
/// same host), the target itself when it has one instance, else every instance of it.
/// </summary>
public sealed record BoundNotification
{
    /// <summary>The resource whose change sends it.</summary>
    public required string Source { get; init; }

    /// <summary>The resource the verb runs on.</summary>
    public required string Target { get; init; }

    /// <summary>What runs on the target: its provider's action <c>family.verb</c>.</summary>
    public required string Verb { get; init; }

    /// <summary>Right after the source's change, rather than once after the apply's changes.</summary>
    public bool Immediate { get; init; }

    /// <summary>Where it is written.</summary>
    public required SourceSpan Span { get; init; }

    /// <summary><c>delayed</c> or <c>immediate</c>, as written and stored.</summary>
    public string Timing => Immediate ? "immediate" : "delayed";
}
