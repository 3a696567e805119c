using Baton.Diagnostics;
using Baton.Engine.Hosting;

namespace Baton.Server.Stacks;

/// <summary>A stack the control plane was asked to serve has errors; the diagnostics say which.</summary>
public sealed class StackLoadException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StackLoadException(StackSource source, IReadOnlyList<Diagnostic> diagnostics)
        : base($"the stack in {source?.DisplayPath ?? source?.Directory} has errors")
    {
        Origin = source;
        Diagnostics = diagnostics ?? [];
    }

    /// <summary>Creates the exception.</summary>
    public StackLoadException()
    {
        Diagnostics = [];
    }

    /// <summary>Creates the exception.</summary>
    public StackLoadException(string message)
        : base(message)
    {
        Diagnostics = [];
    }

    /// <summary>Creates the exception.</summary>
    public StackLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
        Diagnostics = [];
    }

    /// <summary>Where the stack comes from.</summary>
    public StackSource? Origin { get; }

    /// <summary>What is wrong.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }
}
