using Baton.Values;

namespace Baton.Providers;

/// <summary>What exists of a resource: its attributes, or the answer that it is gone.</summary>
public sealed record ReadResult
{
    /// <summary>Whether the resource exists.</summary>
    public required bool Exists { get; init; }

    /// <summary>The provider's id, when it exists.</summary>
    public string? Id { get; init; }

    /// <summary>Its attributes as they are now, a map, when it exists.</summary>
    public Value? Attributes { get; init; }

    /// <summary>Why the read failed, when it did (gone is not a failure).</summary>
    public ProviderError? Error { get; init; }

    /// <summary>The resource is gone.</summary>
    public static ReadResult Gone { get; } = new() { Exists = false };

    /// <summary>The resource exists with these attributes.</summary>
    public static ReadResult Found(string id, Value attributes) => new() { Exists = true, Id = id, Attributes = attributes };

    /// <summary>The read itself failed.</summary>
    public static ReadResult Failure(ProviderError error) => new() { Exists = false, Error = error };
}
