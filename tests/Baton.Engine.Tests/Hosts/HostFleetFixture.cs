namespace Baton.Engine.Tests.Hosts;

/// <summary>A private Podman service with the SSH host image and a fleet of <paramref name="count"/> hosts, shared by a test class.</summary>
public abstract class HostFleetFixture(int count, string prefix) : IAsyncLifetime
{
    private PodmanServer? _podman;
    private SshHostFleet? _fleet;

    public SshHostFleet Fleet => _fleet ?? throw new InvalidOperationException("the fixture is not initialized");

    public async Task InitializeAsync()
    {
        _podman = await PodmanServer.StartAsync();
        await SshHostImage.ImportAsync(_podman);
        _fleet = await SshHostFleet.StartAsync(_podman, count, prefix);
    }

    public Task DisposeAsync() => SshHostFleet.DisposeAsync(_fleet, _podman);
}
