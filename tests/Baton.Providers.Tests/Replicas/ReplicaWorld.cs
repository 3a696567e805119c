using System.Collections.Immutable;
using Baton.Replicas;
using Baton.Values;

namespace Baton.Providers.Tests.Replicas;

/// <summary>A replica set over a fresh <see cref="InMemoryReplicaDriver"/> and its instant clock, and what a provider does around it.</summary>
internal sealed class ReplicaWorld
{
    public const string Address = "compute.service.web";

    // Every check is an exec check answered by the driver, so the probe never sends a request.
    private static readonly HealthProbe Probe = new(new HttpClient());

    public ReplicaWorld()
    {
        Time = new InstantTimeProvider();
        Driver = new InMemoryReplicaDriver(Time);
        Set = new ReplicaSet<InMemoryReplica>(Driver, Probe, Time);
    }

    public InstantTimeProvider Time { get; }

    public InMemoryReplicaDriver Driver { get; }

    public ReplicaSet<InMemoryReplica> Set { get; }

    /// <summary>Creates the service as a provider does: what it answers is the record with the replicas started.</summary>
    public async Task<(ServiceState<InMemoryReplica> Service, ProviderError? Error)> CreateAsync(Value inputs)
    {
        var record = new ServiceState<InMemoryReplica> { Id = "svc-1", Address = Address, Inputs = inputs, Replicas = [] };
        var (started, error) = await Set.CreateAsync(record, CancellationToken.None);
        return (record with { Replicas = started }, error);
    }

    /// <summary>Creates the service and insists that it worked.</summary>
    public async Task<ServiceState<InMemoryReplica>> CreatedAsync(Value inputs)
    {
        var (service, error) = await CreateAsync(inputs);
        Assert.True(error is null, error?.Message);
        return service;
    }

    /// <summary>The trace from <paramref name="mark"/> (a <see cref="InMemoryReplicaDriver.Trace"/> count) on.</summary>
    public ImmutableArray<InMemoryReplicaDriver.Step> StepsSince(int mark) => [.. Driver.Trace.Skip(mark)];
}
