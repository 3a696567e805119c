namespace Baton.Testing;

/// <summary>Finds the repository's folders from the test assembly's location, so tests read sources in place.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Examples => Path.Combine(Root, "examples");

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Baton.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Baton.slnx not found above " + AppContext.BaseDirectory);
    }
}
