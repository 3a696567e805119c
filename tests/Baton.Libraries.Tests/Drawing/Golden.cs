using System.Runtime.CompilerServices;

namespace Baton.Libraries.Tests.Drawing;

/// <summary>
/// Compares text with a file under Golden/ next to this source file. Set BATON_UPDATE_GOLDEN=1 to rewrite the
/// files from the current output, then review the diff.
/// </summary>
internal static class Golden
{
    public static void Verify(string actual, string fileName, [CallerFilePath] string callerPath = "")
    {
        var path = Path.Combine(Path.GetDirectoryName(callerPath)!, "Golden", fileName);
        if (Environment.GetEnvironmentVariable("BATON_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
        }

        Assert.True(File.Exists(path), $"Golden file {path} is missing; run with BATON_UPDATE_GOLDEN=1 to create it.");
        Assert.Equal(File.ReadAllText(path), actual);
    }
}
