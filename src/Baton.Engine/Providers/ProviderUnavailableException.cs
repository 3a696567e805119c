using System.Collections.Immutable;
using Baton.Diagnostics;

namespace Baton.Engine.Providers;

/// <summary>
/// A provider instance that cannot be started: a setting its factory refuses, an unknown family, or a configuration
/// that does not evaluate. <see cref="Diagnostics"/> say so with the place in the stack file.
/// </summary>
public sealed class ProviderUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ProviderUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ProviderUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ProviderUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a message and the diagnostics it sums up.</summary>
    public ProviderUnavailableException(string message, ImmutableArray<Diagnostic> diagnostics)
        : base(message)
    {
        Diagnostics = diagnostics;
    }

    /// <summary>Why the instance cannot start, located in the stack file where possible (empty when not known).</summary>
    public ImmutableArray<Diagnostic> Diagnostics { get; } = [];
}
