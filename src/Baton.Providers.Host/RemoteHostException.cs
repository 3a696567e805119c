namespace Baton.Providers.Host;

/// <summary>
/// A host that cannot be worked on: unreachable, refused (host key, authentication), a lost connection or a command
/// that timed out. Thrown by the transport and turned into its <see cref="Error"/> at the provider's edge.
/// </summary>
internal sealed class RemoteHostException : Exception
{
    public RemoteHostException(ProviderError error)
        : base(error?.Message)
    {
        Error = error ?? throw new ArgumentNullException(nameof(error));
    }

    public RemoteHostException(ProviderError error, Exception inner)
        : base(error?.Message, inner)
    {
        Error = error ?? throw new ArgumentNullException(nameof(error));
    }

    /// <summary>The provider error to report.</summary>
    public ProviderError Error { get; }
}
