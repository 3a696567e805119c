using System.Collections.Immutable;
using Baton.Diagnostics;
using Baton.Values;

namespace Baton.Providers;

/// <summary>The outcome of a create or update: the resource's id and attributes, or an error.</summary>
public sealed record ResourceResult
{
    /// <summary>The provider's id of the resource.</summary>
    public string? Id { get; init; }

    /// <summary>All attributes after the change, a map.</summary>
    public Value? Attributes { get; init; }

    /// <summary>Why the call failed, when it did.</summary>
    public ProviderError? Error { get; init; }

    /// <summary>Warnings and errors about the inputs.</summary>
    public ImmutableArray<Diagnostic> Diagnostics { get; init; } = [];

    /// <summary>A success.</summary>
    public static ResourceResult Success(string id, Value attributes) => new() { Id = id, Attributes = attributes };

    /// <summary>A failure.</summary>
    public static ResourceResult Failure(ProviderError error) => new() { Error = error };
}
