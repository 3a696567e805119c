using System.Collections.Concurrent;
using Baton.Providers.Container;
using Baton.Providers.Container.Engine;
using Baton.Providers.Tests.Conformance;
using Baton.Values;

namespace Baton.Providers.Tests.Container;

/// <summary>
/// A stack directory (with a stack name of its own, which every object the provider makes carries as a label) on the
/// shared Podman service, the busybox test image imported once per service, and a client for looking at the engine
/// directly. On dispose every container, network and volume with the stack's label is removed, and the directory.
/// </summary>
internal sealed class ContainerFixture : IAsyncDisposable
{
    /// <summary>The busybox image every service test runs.</summary>
    public const string Image = "bt-busybox:1";

    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Imported = new(StringComparer.Ordinal);
    private readonly TempDirectory _directory = new();

    public ContainerFixture(PodmanServer podman)
    {
        Podman = podman;
        Directory.CreateDirectory(Stack);
        StackName = "ct-" + Guid.NewGuid().ToString("N")[..10];
    }

    public PodmanServer Podman { get; }

    public string Stack => _directory.Combine("stack");

    public string State => _directory.Combine("stack", ".baton");

    /// <summary>The stack's name: the label baton.stack of everything its providers make.</summary>
    public string StackName { get; }

    public ProviderConfiguration Configuration(string? endpoint = null, params string[] roots) => new()
    {
        InstanceName = "container",
        Settings = Value.Map(
        [
            new("endpoint", Value.String(endpoint ?? Podman.Endpoint)),
            new("roots", Value.List((roots.Length == 0 ? ["."] : roots).Select(Value.String))),
        ]),
        StackName = StackName,
        StackDirectory = Stack,
        StateDirectory = State,
    };

    public async Task<IProvider> StartAsync(string? endpoint = null) =>
        await new ContainerProviderFactory().StartAsync(Configuration(endpoint));

    /// <summary>Imports the busybox image into the service once; returns its reference.</summary>
    public async Task<string> BusyboxAsync()
    {
        await Imported.GetOrAdd(Podman.Endpoint, _ => new Lazy<Task<string>>(() => Podman.ImportBusyboxImageAsync(Image))).Value;
        return Image;
    }

    /// <summary>A client of the engine, to look at what the provider made.</summary>
    public async Task<DockerEngineClient> ClientAsync()
    {
        Assert.True(DockerEndpoint.TryParse(Podman.Endpoint, null, null, out var endpoint, out var error), error);
        return await DockerEngineClient.ConnectAsync(endpoint, CancellationToken.None);
    }

    /// <summary>The ids of the containers with this stack's label.</summary>
    public Task<IReadOnlyList<string>> StackContainersAsync() => Podman.ContainerIdsWithLabelAsync("baton.stack", StackName);

    public async ValueTask DisposeAsync()
    {
        var problems = await Podman.RemoveLabelledAsync("baton.stack", StackName);
        Assert.True(problems.Count == 0, string.Join('\n', problems));
        _directory.Dispose();
    }
}
