namespace Baton.Providers.Tests.S3;

[CollectionDefinition(Name)]
public sealed class S3Collection : ICollectionFixture<S3rverServer>
{
    public const string Name = "s3";
}
