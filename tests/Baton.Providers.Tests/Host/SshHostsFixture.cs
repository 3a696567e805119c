using System.Diagnostics;

namespace Baton.Providers.Tests.Host;

/// <summary>
/// A private Podman service with the SSH host image imported and a fleet of <see cref="Count"/> hosts, and how long
/// each step took (the image is built only when the cache lacks it).
/// </summary>
public sealed class SshHostsFixture : IAsyncLifetime
{
    public const int Count = 3;

    private PodmanServer? _podman;
    private SshHostFleet? _fleet;

    public PodmanServer Podman => _podman ?? throw new InvalidOperationException("the fixture is not initialized");

    public SshHostFleet Fleet => _fleet ?? throw new InvalidOperationException("the fixture is not initialized");

    /// <summary>Finding or building the image's tar.</summary>
    public TimeSpan ImageTime { get; private set; }

    /// <summary>Importing the tar into the Podman service.</summary>
    public TimeSpan ImportTime { get; private set; }

    /// <summary>Starting the fleet until every sshd answered.</summary>
    public TimeSpan StartTime { get; private set; }

    public async Task InitializeAsync()
    {
        _podman = await PodmanServer.StartAsync();
        var clock = Stopwatch.StartNew();
        await SshHostImage.EnsureTarAsync();
        ImageTime = clock.Elapsed;
        clock.Restart();
        await SshHostImage.ImportAsync(_podman);
        ImportTime = clock.Elapsed;
        clock.Restart();
        _fleet = await SshHostFleet.StartAsync(_podman, Count, "host");
        StartTime = clock.Elapsed;
    }

    public Task DisposeAsync() => SshHostFleet.DisposeAsync(_fleet, _podman);
}
