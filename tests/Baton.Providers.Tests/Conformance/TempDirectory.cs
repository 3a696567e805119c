namespace Baton.Providers.Tests.Conformance;

/// <summary>A directory under the system temp folder, removed on dispose; its path has symlinks resolved.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        var created = Directory.CreateTempSubdirectory("baton-providers-");
        Path = created.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? RealPath(created.FullName);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private static string RealPath(string path)
    {
        // /tmp may itself be a symlink (macOS); tests compare canonical paths.
        var parent = System.IO.Path.GetDirectoryName(path);
        if (parent is null)
        {
            return path;
        }

        var resolvedParent = new DirectoryInfo(parent).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? parent;
        return System.IO.Path.Combine(resolvedParent, System.IO.Path.GetFileName(path));
    }
}
