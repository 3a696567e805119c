using Baton.Providers.Container.Engine;

namespace Baton.Providers.Tests.Container;

public sealed class DockerEngineErrorTests
{
    [Theory]
    [InlineData("1.41", "1.41")]
    [InlineData("1.40", "1.40")]
    [InlineData("1.43", "1.43")]
    [InlineData("1.47", "1.43")]
    [InlineData("2.0", "1.43")]
    public void Negotiate_ServerVersion_IsTheLowerOfItAndOurs(string server, string expected) =>
        Assert.Equal(Version.Parse(expected), DockerEngineClient.Negotiate(Version.Parse(server)));

    [Theory]
    [InlineData("1.39")]
    [InlineData("1.24")]
    public void Negotiate_ServerBelowTheMinimum_IsRefused(string server) =>
        Assert.Null(DockerEngineClient.Negotiate(Version.Parse(server)));

    [Fact]
    public void FromResponse_EngineJson_TakesItsMessage()
    {
        var error = DockerEngineException.FromResponse(404, """{"cause":"no such container","message":"no container with name or ID \"x\" found: no such container","response":404}""");

        Assert.Equal("no container with name or ID \"x\" found: no such container", error.Message);
        Assert.Equal(404, error.StatusCode);
        Assert.False(error.IsTransient);
    }

    [Theory]
    [InlineData(400, """{"message":"bad parameter"}""")]
    [InlineData(403, """{"message":"forbidden"}""")]
    [InlineData(404, """{"message":"no such image"}""")]
    public void FromResponse_ClientError_IsPermanent(int status, string body) =>
        Assert.False(DockerEngineException.FromResponse(status, body).IsTransient);

    [Theory]
    [InlineData("""{"message":"database is locked"}""")]
    [InlineData("""{"message":"context deadline exceeded"}""")]
    [InlineData("upstream went away")]
    [InlineData("")]
    public void FromResponse_ServerErrorWithoutAPermanentCause_IsTransient(string body)
    {
        var error = DockerEngineException.FromResponse(500, body);

        Assert.True(error.IsTransient);
        Assert.Equal(500, error.StatusCode);
        Assert.NotEmpty(error.Message);
    }

    [Theory]
    [InlineData("""{"message":"runc: runc create failed: unable to start container process: exec: \"/nope\": stat /nope: no such file or directory: OCI runtime attempted to invoke a command that was not found"}""")]
    [InlineData("""{"message":"container create: no command or entrypoint provided, and no CMD or ENTRYPOINT from image"}""")]
    [InlineData("""{"message":"invalid signal: BOGUS"}""")]
    [InlineData("""{"message":"cannot listen on the TCP port: listen tcp4 127.0.0.1:18080: bind: address already in use"}""")]
    public void FromResponse_ServerErrorWithAPermanentCause_IsPermanent(string body)
    {
        var error = DockerEngineException.FromResponse(500, body);

        Assert.False(error.IsTransient);
        Assert.Equal(500, error.StatusCode);
    }

    [Theory]
    [InlineData("""{"message":"container create: creating container storage: the container name \"web\" is already in use by 1234. You have to remove that container to be able to reuse that name: that name is already in use"}""")]
    [InlineData("""{"message":"network name n1 already used: network already exists"}""")]
    [InlineData("""{"message":"can only kill running containers. 93f2 is in state exited: container state improper"}""")]
    public void FromResponse_PodmansConflictsAnsweredWith500_Are409(string body)
    {
        var error = DockerEngineException.FromResponse(500, body);

        Assert.Equal(409, error.StatusCode);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public void Unreachable_Endpoint_IsTransientAndNamesIt()
    {
        DockerEndpoint.TryParse("unix:///run/none.sock", null, null, out var endpoint, out _);

        var error = DockerEngineException.Unreachable(endpoint!, "No such file or directory");

        Assert.True(error.IsTransient);
        Assert.Null(error.StatusCode);
        Assert.Equal("cannot reach the container engine at unix:///run/none.sock: No such file or directory", error.Message);
    }

    [Theory]
    [InlineData("web", "web", "latest")]
    [InlineData("web:1.2", "web", "1.2")]
    [InlineData("docker.io/library/web:1", "docker.io/library/web", "1")]
    [InlineData("registry:5000/team/web", "registry:5000/team/web", "latest")]
    [InlineData("registry:5000/team/web:2", "registry:5000/team/web", "2")]
    [InlineData("web@sha256:abc", "web", "sha256:abc")]
    public void Split_ImageReference_GivesRepositoryAndTag(string reference, string repository, string tag) =>
        Assert.Equal((repository, tag), ImageReference.Split(reference));
}
