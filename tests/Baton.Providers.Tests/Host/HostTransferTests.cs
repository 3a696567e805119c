using System.Security.Cryptography;
using Baton.Providers.Tests.Conformance;
using Baton.Values;

namespace Baton.Providers.Tests.Host;

/// <summary>The <c>host.copy</c> and <c>host.fetch</c> actions on real hosts: round trips checked by SHA-256, local paths confined to file_root.</summary>
[Collection(SshHostCollection.Name)]
public sealed class HostTransferTests(SshHostsFixture fixture) : IAsyncLifetime
{
    private readonly string _token = Guid.NewGuid().ToString("N")[..8];
    private IProvider? _provider;

    private SshHostFleet Fleet => fixture.Fleet;

    private SshHost Host => Fleet.Hosts[1];

    private IProvider Provider => _provider!;

    private string Remote => "/tmp/baton-transfer-" + _token;

    private string Root => "files-" + _token;

    private string LocalRoot => Path.Combine(Fleet.Directory, Root);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(LocalRoot);
        _provider = await HostProviders.StartAsync(Fleet, ("file_root", Root));
        await Fleet.SideAsync(Host, "mkdir", "-p", Remote);
    }

    public async Task DisposeAsync()
    {
        await Fleet.ExecAsync(Host, "rm", "-rf", Remote);
        Directory.Delete(LocalRoot, recursive: true);
        await Provider.DisposeAsync();
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(System.IO.File.ReadAllBytes(path)));

    [Fact]
    public async Task Copy_ThenFetch_RoundTripsAFile_CheckedBySha256()
    {
        var local = Path.Combine(LocalRoot, "app.tar");
        var bytes = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
        await System.IO.File.WriteAllBytesAsync(local, bytes);
        var copy = V.Map(("host", Host.Name), ("path", $"{Remote}/app.tar"), ("source", $"{Root}/app.tar"), ("mode", "0600"), ("owner", "deploy"));
        var copied = await Provider.InvokeAsync("host.copy", copy);
        Assert.Null(copied.Error);
        Assert.Equal(Value.String(Sha256(local)), copied.Outputs.AsMap()["sha256"]);
        Assert.Equal(Value.Number(bytes.Length), copied.Outputs.AsMap()["size"]);
        Assert.Equal(Value.True, copied.Outputs.AsMap()["changed"]);
        Assert.Equal($"{Sha256(local)}  {Remote}/app.tar\n", await Fleet.SideAsync(Host, "sha256sum", $"{Remote}/app.tar"));
        Assert.Equal("600 deploy\n", await Fleet.SideAsync(Host, "stat", "-c", "%a %U", $"{Remote}/app.tar"));
        Assert.Equal(Value.False, (await Provider.InvokeAsync("host.copy", copy)).Outputs.AsMap()["changed"]);

        var fetched = await Provider.InvokeAsync("host.fetch", V.Map(("host", Host.Name), ("path", $"{Remote}/app.tar"), ("destination", $"{Root}/back.tar")));
        Assert.Null(fetched.Error);
        var back = Path.Combine(LocalRoot, "back.tar");
        Assert.Equal(bytes, await System.IO.File.ReadAllBytesAsync(back));
        Assert.Equal(Value.String(Sha256(local)), fetched.Outputs.AsMap()["sha256"]);
        Assert.Equal(Value.Number(bytes.Length), fetched.Outputs.AsMap()["size"]);
        Assert.Equal(Value.String(back), fetched.Outputs.AsMap()["path"]);
        Assert.Equal(["back.tar", "app.tar"], Directory.GetFiles(LocalRoot).Select(f => Path.GetFileName(f)).OrderDescending(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task Fetch_OfADumpOnlyRootReads_WithBecome_IsOwnerOnlyLocally()
    {
        await Fleet.SideAsync(Host, "sh", "-c", "head -c 5000000 /dev/urandom > \"$1\"; chmod 0600 \"$1\"", "sh", $"{Remote}/db.dump");
        var remote = (await Fleet.SideAsync(Host, "sha256sum", $"{Remote}/db.dump")).Split(' ')[0];
        var fetched = await Provider.InvokeAsync("host.fetch", V.Map(("host", Host.Name + "-deploy"), ("path", $"{Remote}/db.dump"), ("destination", $"{Root}/db.dump")));
        Assert.Null(fetched.Error);
        Assert.Equal(Value.String(remote), fetched.Outputs.AsMap()["sha256"]);
        Assert.Equal(remote, Sha256(Path.Combine(LocalRoot, "db.dump")));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, System.IO.File.GetUnixFileMode(Path.Combine(LocalRoot, "db.dump")));
        }

        var limited = await Provider.InvokeAsync("host.fetch", V.Map(("host", Host.Name + "-limited"), ("path", $"{Remote}/db.dump"), ("destination", $"{Root}/db.dump")));
        Assert.Contains("Permission denied", limited.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(remote, Sha256(Path.Combine(LocalRoot, "db.dump")));
    }

    [Theory]
    [InlineData("../outside.bin")]
    [InlineData("/tmp/outside.bin")]
    [InlineData("elsewhere/x.bin")]
    public async Task LocalPathsOutsideTheFileRoot_AreRefused(string path)
    {
        await Fleet.SideAsync(Host, "sh", "-c", "echo x > \"$1\"", "sh", $"{Remote}/x");
        var fetch = await Provider.InvokeAsync("host.fetch", V.Map(("host", Host.Name), ("path", $"{Remote}/x"), ("destination", path)));
        Assert.Equal(ProviderErrorKind.Permanent, fetch.Error!.Kind);
        Assert.Contains("outside the file_root", fetch.Error.Message, StringComparison.Ordinal);
        var copy = await Provider.InvokeAsync("host.copy", V.Map(("host", Host.Name), ("path", $"{Remote}/y"), ("source", path)));
        Assert.Contains("outside the file_root", copy.Error!.Message, StringComparison.Ordinal);
        Assert.False(System.IO.File.Exists(Path.GetFullPath(path, Fleet.Directory)));
    }

    [Fact]
    public async Task Copy_OfContent_IsSensitiveWhenItIs_AndFetchOfAMissingFileNamesIt()
    {
        var copied = await Provider.InvokeAsync("host.copy", Value.Map(
        [
            new("host", Value.String(Host.Name)), new("path", Value.String($"{Remote}/token")), new("content", Value.String("s3cret\n").AsSensitive()),
        ]));
        Assert.Null(copied.Error);
        Assert.True(copied.Outputs.AsMap()["sha256"].IsSensitive);
        Assert.Equal("s3cret\n", await Fleet.ReadFileAsync(Host, $"{Remote}/token"));

        var missing = await Provider.InvokeAsync("host.fetch", V.Map(("host", Host.Name), ("path", $"{Remote}/nothing"), ("destination", $"{Root}/nothing")));
        Assert.Contains($"{Remote}/nothing does not exist", missing.Error!.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(LocalRoot));
    }
}
