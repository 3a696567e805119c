using System.Formats.Tar;

namespace Baton.Providers.Container.Engine;

/// <summary>
/// Writes a directory as a tar archive (a build context): paths relative to it with <c>/</c>, regular files,
/// directories and symbolic links (as links, never followed), in ordinal order depth first so the same tree always
/// gives the same sequence of entries. Sockets are left out; fifos and devices (which .NET cannot tell from regular
/// files without reading them) go in as what they are, as Docker's own client does.
/// </summary>
internal static class DirectoryTar
{
    public static async Task WriteAsync(string directory, Stream destination, CancellationToken cancellationToken)
    {
        var root = new DirectoryInfo(directory);
        if (!root.Exists)
        {
            throw new DirectoryNotFoundException($"the directory {directory} does not exist");
        }

        await using var writer = new TarWriter(destination, TarEntryFormat.Pax, leaveOpen: true);
        await WriteChildrenAsync(writer, root, "", cancellationToken);
    }

    private static async Task WriteChildrenAsync(TarWriter writer, DirectoryInfo directory, string prefix, CancellationToken cancellationToken)
    {
        foreach (var entry in directory.EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = prefix + entry.Name;
            if (entry is DirectoryInfo child && entry.LinkTarget is null)
            {
                await writer.WriteEntryAsync(entry.FullName, name + "/", cancellationToken);
                await WriteChildrenAsync(writer, child, name + "/", cancellationToken);
                continue;
            }

            try
            {
                await writer.WriteEntryAsync(entry.FullName, name, cancellationToken);
            }
            catch (IOException) when (entry is FileInfo { LinkTarget: null, Length: 0 })
            {
                // A socket (its length is 0, so nothing was read): TarWriter refuses its type before writing
                // anything, and a build has no use for it.
            }
        }
    }
}
