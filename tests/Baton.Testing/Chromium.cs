namespace Baton.Testing;

/// <summary>
/// The system's Chromium (Debian's <c>chromium</c> package; <c>test.sh</c> installs it). Playwright's own browser
/// download is never used, so the tests run offline.
/// </summary>
public static class Chromium
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var explicitPath = Environment.GetEnvironmentVariable("BATON_CHROMIUM");
        if (!string.IsNullOrEmpty(explicitPath))
        {
            return explicitPath;
        }

        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in new[] { "chromium", "chromium-browser" })
            {
                var candidate = System.IO.Path.Combine(directory, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return File.Exists("/usr/bin/chromium")
            ? "/usr/bin/chromium"
            : throw new InvalidOperationException("chromium is not installed (apt-get install chromium, or set BATON_CHROMIUM to a Chromium binary)");
    }
}
