namespace Baton.Providers.Process;

/// <summary>How <c>process.restart</c> replaces a service's replicas.</summary>
internal enum RestartStrategy
{
    /// <summary>One at a time: stop it, start it on the same port, wait until it is ready, then the next.</summary>
    Rolling,

    /// <summary>Stop every replica, then start them all.</summary>
    All,
}
