using Baton.Values;

namespace Baton.Providers;

/// <summary>Inputs of one resource instance to check.</summary>
public sealed record ValidateRequest(string Type, string Address, Value Inputs);
