namespace Baton.Providers.Tests.Container;

/// <summary>What a <see cref="FakeEngine"/> answers: a status, a body and extra headers.</summary>
public sealed record FakeAnswer(int Status, string Body, IReadOnlyDictionary<string, string>? Headers = null);
