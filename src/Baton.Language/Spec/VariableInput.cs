using Baton.Diagnostics;
using Baton.Values;

namespace Baton.Spec;

/// <summary>
/// A value given for a variable from outside the stack file. Values from the environment and <c>--var</c> arrive as
/// strings and are converted to the declared type; values from files keep their YAML types.
/// </summary>
public sealed record VariableInput
{
    /// <summary>The variable's name.</summary>
    public required string Name { get; init; }

    /// <summary>The value as given.</summary>
    public required Value Value { get; init; }

    /// <summary>Where it came from.</summary>
    public required VariableSource Source { get; init; }

    /// <summary>How to name the origin in a message: <c>--var replicas=3</c>, <c>BATON_VAR_replicas</c>, <c>prod.yaml</c>.</summary>
    public required string Origin { get; init; }

    /// <summary>Where in a variable file the value is, when it came from one.</summary>
    public SourceSpan? Span { get; init; }

    /// <summary>Whether the value was given as text that should be parsed according to the declared type (environment, <c>--var</c>).</summary>
    public bool IsRawText { get; init; }
}
