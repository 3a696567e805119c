using System.Formats.Tar;
using Baton.Providers.Container.Engine;
using Baton.Providers.Tests.Conformance;

namespace Baton.Providers.Tests.Container;

public sealed class DirectoryTarTests
{
    [Fact]
    public async Task WriteAsync_Tree_WritesRelativeEntriesInOrderWithLinksAsLinks()
    {
        using var directory = new TempDirectory();
        Directory.CreateDirectory(directory.Combine("src", "deep"));
        await System.IO.File.WriteAllTextAsync(directory.Combine("Dockerfile"), "FROM scratch\n");
        await System.IO.File.WriteAllTextAsync(directory.Combine("src", "b.txt"), "b");
        await System.IO.File.WriteAllTextAsync(directory.Combine("src", "a.txt"), "a");
        await System.IO.File.WriteAllTextAsync(directory.Combine("src", "deep", "c.txt"), "c");
        System.IO.File.CreateSymbolicLink(directory.Combine("link"), "src/a.txt");
        Directory.CreateSymbolicLink(directory.Combine("linked-dir"), "src");

        var first = await EntriesAsync(directory.Path);
        var second = await EntriesAsync(directory.Path);

        Assert.Equal(
            ["Dockerfile", "link", "linked-dir", "src/", "src/a.txt", "src/b.txt", "src/deep/", "src/deep/c.txt"],
            first.Select(e => e.Name));
        Assert.Equal(first.Select(e => e.Name), second.Select(e => e.Name));
        Assert.Equal((TarEntryType.SymbolicLink, "src/a.txt"), (first[1].Type, first[1].LinkName));
        Assert.Equal((TarEntryType.SymbolicLink, "src"), (first[2].Type, first[2].LinkName));
        Assert.Equal(TarEntryType.Directory, first[3].Type);
        Assert.Equal(("src/a.txt", "a"), (first[4].Name, first[4].Content));
        Assert.Equal("FROM scratch\n", first[0].Content);
    }

    [Fact]
    public async Task WriteAsync_MissingDirectory_Throws()
    {
        using var stream = new MemoryStream();

        await Assert.ThrowsAsync<DirectoryNotFoundException>(() => DirectoryTar.WriteAsync("/nonexistent/baton-context", stream, CancellationToken.None));
    }

    private static async Task<List<(string Name, TarEntryType Type, string LinkName, string? Content)>> EntriesAsync(string directory)
    {
        using var tar = new MemoryStream();
        await DirectoryTar.WriteAsync(directory, tar, CancellationToken.None);
        tar.Position = 0;
        var entries = new List<(string, TarEntryType, string, string?)>();
        using var reader = new TarReader(tar);
        while (await reader.GetNextEntryAsync() is { } entry)
        {
            string? content = null;
            if (entry.DataStream is { } data)
            {
                using var text = new StreamReader(data);
                content = await text.ReadToEndAsync();
            }

            entries.Add((entry.Name, entry.EntryType, entry.LinkName, content));
        }

        return entries;
    }
}
