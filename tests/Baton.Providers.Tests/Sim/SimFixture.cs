using Baton.Providers.Sim;
using Baton.Providers.Tests.Conformance;
using Baton.Values;

namespace Baton.Providers.Tests.Sim;

/// <summary>A stack directory with a sim world in it, and helpers to start providers on it.</summary>
internal sealed class SimFixture : IDisposable
{
    private readonly TempDirectory _directory = new();

    public string StackDirectory => _directory.Path;

    public string WorldPath => _directory.Combine("world.db");

    public ProviderConfiguration Configuration(TimeProvider? time = null, params (string Key, object? Value)[] settings) => new()
    {
        InstanceName = "sim",
        Settings = V.Map([("world", "world.db"), .. settings]),
        StackDirectory = StackDirectory,
        StateDirectory = _directory.Combine(".baton"),
        Time = time ?? TimeProvider.System,
    };

    public async Task<IProvider> StartAsync(TimeProvider? time = null, params (string Key, object? Value)[] settings) =>
        await new SimProviderFactory().StartAsync(Configuration(time, settings));

    public SimWorld OpenWorld() => SimWorld.Open(WorldPath);

    public void Dispose() => _directory.Dispose();

    public static CreateRequest Create(Value inputs, string? key = null, string address = "sim.resource.a") => new()
    {
        Type = "sim.resource",
        Address = address,
        Inputs = inputs,
        IdempotencyKey = key ?? "op-" + Guid.NewGuid().ToString("N"),
    };
}
