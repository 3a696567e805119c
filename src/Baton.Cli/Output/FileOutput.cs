namespace Baton.Cli.Output;

/// <summary>Writes output files so that a reader never sees half a file: write a temporary file beside it, then rename.</summary>
internal static class FileOutput
{
    public static void WriteAtomically(string path, string content)
    {
        var directory = Path.GetDirectoryName(path) ?? ".";
        System.IO.Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(content);
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
