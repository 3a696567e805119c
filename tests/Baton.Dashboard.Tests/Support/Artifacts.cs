namespace Baton.Dashboard.Tests.Support;

/// <summary>Where tests leave files for people to look at: <c>$BATON_TEST_ARTIFACTS</c>, else <c>artifacts/screenshots</c> in the repository.</summary>
internal static class Artifacts
{
    public static string Screenshots
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("BATON_TEST_ARTIFACTS");
            var directory = string.IsNullOrWhiteSpace(configured) ? Path.Combine(RepositoryRoot(), "artifacts", "screenshots") : configured;
            Directory.CreateDirectory(directory);
            return directory;
        }
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Baton.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Baton.slnx not found above " + AppContext.BaseDirectory + "; set BATON_TEST_ARTIFACTS");
    }
}
