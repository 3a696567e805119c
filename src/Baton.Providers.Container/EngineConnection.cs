using Baton.Providers.Container.Engine;

namespace Baton.Providers.Container;

/// <summary>
/// The provider's one connection to its engine, opened on first use (so a plan that needs no engine never waits for
/// one) and opened again after a failure; engine errors become provider errors that say whether to retry.
/// </summary>
internal sealed class EngineConnection(DockerEndpoint endpoint) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private DockerEngineClient? _client;

    public DockerEndpoint Endpoint => endpoint;

    /// <summary>The connected client; throws <see cref="DockerEngineException"/> when the engine cannot be reached.</summary>
    public async Task<DockerEngineClient> GetAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _client) is { } connected)
        {
            return connected;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            return _client ??= await DockerEngineClient.ConnectAsync(endpoint, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>An engine error as a provider error about <paramref name="address"/>.</summary>
    public static ProviderError ToError(string address, DockerEngineException exception) =>
        exception.IsTransient ? ProviderError.Transient($"{address}: {exception.Message}") : ProviderError.Permanent($"{address}: {exception.Message}");

    public void Dispose()
    {
        _client?.Dispose();
        _gate.Dispose();
    }
}
