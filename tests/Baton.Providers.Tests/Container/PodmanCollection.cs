namespace Baton.Providers.Tests.Container;

[CollectionDefinition(Name)]
public sealed class PodmanCollection : ICollectionFixture<PodmanServer>
{
    public const string Name = "podman";
}
