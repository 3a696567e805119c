namespace Baton.Testing;

/// <summary>Where tests leave files for people to look at: <c>$BATON_TEST_ARTIFACTS</c>, else <c>artifacts/screenshots</c> in the repository.</summary>
public static class Artifacts
{
    public static string Screenshots
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("BATON_TEST_ARTIFACTS");
            var directory = string.IsNullOrWhiteSpace(configured) ? Path.Combine(RepositoryPaths.Root, "artifacts", "screenshots") : configured;
            Directory.CreateDirectory(directory);
            return directory;
        }
    }
}
