namespace Baton.Providers.Tests.Host;

/// <summary>The tests that share one Podman service and one fleet of <see cref="SshHostsFixture.Count"/> SSH hosts; they run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class SshHostCollection : ICollectionFixture<SshHostsFixture>
{
    public const string Name = "ssh-hosts";
}
