namespace Baton.Metrics;

/// <summary>The outcome of reading one small status text: the value, or why it could not be read.</summary>
/// <typeparam name="T">The record the text is read into.</typeparam>
public sealed record TextParseResult<T>
    where T : class
{
    /// <summary>The value read; null when <see cref="Error"/> is set.</summary>
    public T? Value { get; init; }

    /// <summary>What is wrong with the text: one sentence, lower case, no final full stop.</summary>
    public string? Error { get; init; }

    /// <summary>Whether the text was read.</summary>
    public bool IsSuccess => Value is not null;
}
