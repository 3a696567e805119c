using System.Security.Cryptography;

namespace Baton.Runtime;

/// <summary>
/// Writes a file so that no reader ever sees half of it: the content goes to a new temporary file beside the target
/// (<c>.NAME.RANDOM.baton-tmp</c>), is flushed to the disk, and the temporary file is then renamed to the target. The
/// temporary file is removed when anything fails. The directory must exist.
/// </summary>
public static class AtomicFile
{
    /// <summary>How the name of every temporary file ends.</summary>
    public const string TempSuffix = ".baton-tmp";

    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/>, replacing any file there. With a
    /// <paramref name="mode"/> (ignored on Windows), the file has exactly that mode, whatever the umask, and is never
    /// open to anyone the mode excludes, not even while it is written.
    /// </summary>
    public static void Write(string path, ReadOnlySpan<byte> content, UnixFileMode? mode = null) =>
        Write(path, content, mode, overwrite: true);

    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/> unless a file is already there (one another
    /// process wrote meanwhile, say), which is then left as it is: false. <paramref name="mode"/> is as for
    /// <see cref="Write(string, ReadOnlySpan{byte}, UnixFileMode?)"/>.
    /// </summary>
    public static bool TryCreate(string path, ReadOnlySpan<byte> content, UnixFileMode? mode = null) =>
        Write(path, content, mode, overwrite: false);

    /// <summary>
    /// A new temporary file name beside <paramref name="path"/> (<c>.NAME.RANDOM.baton-tmp</c>), for a writer that
    /// streams into it and renames it over the target itself.
    /// </summary>
    public static string TemporaryPathFor(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var directory = Path.GetDirectoryName(path) ?? ".";
        return Path.Combine(directory, $".{Path.GetFileName(path)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}{TempSuffix}");
    }

    private static bool Write(string path, ReadOnlySpan<byte> content, UnixFileMode? mode, bool overwrite)
    {
        var temporary = TemporaryPathFor(path);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (mode is { } created && !OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = created;
            }

            using (var stream = new FileStream(temporary, options))
            {
                if (mode is { } exact && !OperatingSystem.IsWindows())
                {
                    // The create mode is narrowed by the umask; this gives the file the mode asked for, before any content.
                    File.SetUnixFileMode(stream.SafeFileHandle, exact);
                }

                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            try
            {
                File.Move(temporary, path, overwrite);
            }
            catch (IOException) when (!overwrite && File.Exists(path))
            {
                return false;
            }

            return true;
        }
        finally
        {
            TryDelete(temporary);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
        }
    }
}
