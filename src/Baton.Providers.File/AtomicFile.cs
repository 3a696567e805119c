using System.Security.Cryptography;

namespace Baton.Providers.File;

/// <summary>Writes files so that no half-written content ever goes live: a temp file beside the target, fsynced, then renamed over it.</summary>
internal static class AtomicFile
{
    public const string TempSuffix = ".baton-tmp";

    public static void Write(string path, byte[] content, UnixFileMode mode)
    {
        var directory = Path.GetDirectoryName(path)!;
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}{TempSuffix}");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                if (!OperatingSystem.IsWindows())
                {
                    // Before any content, so a secret is never readable under a laxer default mode.
                    System.IO.File.SetUnixFileMode(stream.SafeFileHandle, mode);
                }

                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            System.IO.File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public static void SetMode(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            System.IO.File.SetUnixFileMode(path, mode);
        }
    }

    public static string? Mode(string path) =>
        OperatingSystem.IsWindows() ? null : FileModes.Format(System.IO.File.GetUnixFileMode(path));

    private static void TryDelete(string path)
    {
        try
        {
            System.IO.File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
