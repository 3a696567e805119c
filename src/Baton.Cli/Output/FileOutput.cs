using System.Text;
using Baton.Runtime;

namespace Baton.Cli.Output;

/// <summary>Writes output files so that a reader never sees half a file (see <see cref="AtomicFile"/>).</summary>
internal static class FileOutput
{
    public static void WriteAtomically(string path, string content)
    {
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path) ?? ".");
        AtomicFile.Write(path, Encoding.UTF8.GetBytes(content));
    }
}
