using Baton.Runtime;

namespace Baton.Providers.Tests.Runtime;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AtomicFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("baton-atomic-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Target => Path.Combine(_directory, "out.txt");

    [Fact]
    public void Write_ReplacesTheFile_AndLeavesNoTemporaryFile()
    {
        System.IO.File.WriteAllText(Target, "old");

        AtomicFile.Write(Target, "new"u8);

        Assert.Equal("new", System.IO.File.ReadAllText(Target));
        Assert.Equal([Target], Directory.GetFiles(_directory));
    }

    [Fact]
    public void Write_WithMode_GivesExactlyThatMode()
    {
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

        AtomicFile.Write(Target, "x"u8, mode);

        Assert.Equal(mode, System.IO.File.GetUnixFileMode(Target));
    }

    [Fact]
    public void TryCreate_FileAlreadyThere_IsFalse_AndLeavesIt()
    {
        System.IO.File.WriteAllText(Target, "first");

        Assert.False(AtomicFile.TryCreate(Target, "second"u8));

        Assert.Equal("first", System.IO.File.ReadAllText(Target));
        Assert.Equal([Target], Directory.GetFiles(_directory));
    }

    [Fact]
    public void TryCreate_NoFile_WritesIt()
    {
        Assert.True(AtomicFile.TryCreate(Target, "only"u8, UnixFileMode.UserRead | UnixFileMode.UserWrite));

        Assert.Equal("only", System.IO.File.ReadAllText(Target));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, System.IO.File.GetUnixFileMode(Target));
    }

    [Fact]
    public void Write_DirectoryMissing_Throws_AndLeavesNothing()
    {
        var missing = Path.Combine(_directory, "no-such-dir", "out.txt");

        Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.Write(missing, "x"u8));

        Assert.Empty(Directory.GetFileSystemEntries(_directory));
    }
}
