using Baton.Spec;

namespace Baton.Libraries.Tests.Language.Spec;

public sealed class StackFileHostTests : IDisposable
{
    private readonly string _sandbox = Directory.CreateTempSubdirectory("host-").FullName;

    public StackFileHostTests()
    {
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(Path.Combine(Root, "templates"));
        Directory.CreateDirectory(Outside);
        File.WriteAllText(Path.Combine(Root, "app.conf"), "port=80");
        File.WriteAllText(Path.Combine(Root, "templates", "motd.tpl"), "hello ${name}");
        File.WriteAllText(Path.Combine(Outside, "secret.txt"), "s3cr3t");
    }

    private string Root => Path.Combine(_sandbox, "stack");

    private string Outside => Path.Combine(_sandbox, "outside");

    public void Dispose() => Directory.Delete(_sandbox, recursive: true);

    private (bool Ok, string Content, string Error) Read(string path, string? root = null)
    {
        var ok = new StackFileHost(root ?? Root).TryReadFile(path, out var content, out var error);
        return (ok, content, error);
    }

    [Fact]
    public void TryReadFile_FileInRoot_ReturnsContent() =>
        Assert.Equal((true, "port=80", string.Empty), Read("app.conf"));

    [Fact]
    public void TryReadFile_FileInSubdirectory_ReturnsContent() =>
        Assert.Equal((true, "hello ${name}", string.Empty), Read("templates/motd.tpl"));

    [Fact]
    public void TryReadFile_DotDotOutOfRoot_IsRefused() =>
        Assert.Equal((false, string.Empty, "\"../outside/secret.txt\" is outside the stack directory"), Read("../outside/secret.txt"));

    [Fact]
    public void TryReadFile_DotDotThatStaysInside_IsAllowed() =>
        Assert.True(Read("templates/../app.conf").Ok);

    [Fact]
    public void TryReadFile_AbsolutePathOutside_IsRefused()
    {
        var path = Path.Combine(Outside, "secret.txt");

        Assert.Equal((false, string.Empty, $"\"{path}\" is outside the stack directory"), Read(path));
    }

    [Fact]
    public void TryReadFile_SiblingWithRootAsPrefix_IsRefused()
    {
        Directory.CreateDirectory(Root + "-evil");
        File.WriteAllText(Path.Combine(Root + "-evil", "x.txt"), "x");

        Assert.False(Read("../stack-evil/x.txt").Ok);
    }

    [Fact]
    public void TryReadFile_SymlinkPointingOutside_IsRefused()
    {
        File.CreateSymbolicLink(Path.Combine(Root, "link.txt"), Path.Combine(Outside, "secret.txt"));

        Assert.Equal((false, string.Empty, "\"link.txt\" is outside the stack directory"), Read("link.txt"));
    }

    [Fact]
    public void TryReadFile_SymlinkedDirectoryPointingOutside_IsRefused()
    {
        Directory.CreateSymbolicLink(Path.Combine(Root, "shared"), Outside);

        Assert.Equal((false, string.Empty, "\"shared/secret.txt\" is outside the stack directory"), Read("shared/secret.txt"));
    }

    [Fact]
    public void TryReadFile_SymlinkInsideRoot_IsAllowed()
    {
        File.CreateSymbolicLink(Path.Combine(Root, "alias.conf"), Path.Combine(Root, "app.conf"));

        Assert.Equal((true, "port=80", string.Empty), Read("alias.conf"));
    }

    [Fact]
    public void TryReadFile_RootGivenThroughSymlink_ReadsInside()
    {
        var link = Path.Combine(_sandbox, "current");
        Directory.CreateSymbolicLink(link, Root);

        Assert.Equal((true, "port=80", string.Empty), Read("app.conf", link));
    }

    [Fact]
    public void TryReadFile_FileOverLimit_IsRefused()
    {
        using (var stream = File.Create(Path.Combine(Root, "big.bin")))
        {
            stream.SetLength(StackFileHost.MaxFileBytes + 1);
        }

        Assert.Equal((false, string.Empty, "\"big.bin\" is larger than 4 MiB"), Read("big.bin"));
    }

    [Fact]
    public void TryReadFile_FileAtLimit_IsRead()
    {
        using (var stream = File.Create(Path.Combine(Root, "edge.bin")))
        {
            stream.SetLength(StackFileHost.MaxFileBytes);
        }

        Assert.True(Read("edge.bin").Ok);
    }

    [Fact]
    public void TryReadFile_MissingFile_SaysSo() =>
        Assert.Equal((false, string.Empty, "\"nope.txt\" does not exist"), Read("nope.txt"));

    [Theory]
    [InlineData("")]
    [InlineData("a\0b")]
    public void TryReadFile_EmptyOrNulPath_IsRefused(string path) =>
        Assert.Equal((false, string.Empty, "the path is empty"), Read(path));
}
