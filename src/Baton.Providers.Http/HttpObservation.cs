using System.Collections.Immutable;

namespace Baton.Providers.Http;

/// <summary>
/// What one request saw: a response (<see cref="Status"/> set), or a failure to get one (<see cref="Failure"/> set,
/// <see cref="TimedOut"/> telling a timeout from a refused or broken connection).
/// </summary>
internal sealed record HttpObservation
{
    public int? Status { get; init; }

    public string Body { get; init; } = string.Empty;

    public ImmutableSortedDictionary<string, string> Headers { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    /// <summary>The wait the far side asked for (Retry-After), when it did.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Why no response came, when none did.</summary>
    public string? Failure { get; init; }

    public bool TimedOut { get; init; }

    /// <summary>A redirect that was not followed (to another host), to explain a 3xx.</summary>
    public string? Note { get; init; }

    /// <summary>The first <paramref name="length"/> characters of the body, for messages.</summary>
    public string BodyExcerpt(int length = 200) => Body.Length <= length ? Body : Body[..length] + "…";

    /// <summary>One line describing the observation, for error messages.</summary>
    public string Describe() => Status is { } status
        ? $"last status {status}{(Note is null ? string.Empty : $" ({Note})")}, body: \"{BodyExcerpt()}\""
        : $"no response: {Failure}";
}
