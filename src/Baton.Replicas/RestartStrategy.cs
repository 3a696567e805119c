
namespace Baton.Replicas;

/// <summary>How a restart action (<c>process.restart</c>, <c>container.restart</c>) replaces a service's replicas.</summary>
public enum RestartStrategy
{
    /// <summary>One at a time: stop it, start it on the same port, wait until it is ready, then the next.</summary>
    Rolling,

    /// <summary>Stop every replica, then start them all.</summary>
    All,
}
