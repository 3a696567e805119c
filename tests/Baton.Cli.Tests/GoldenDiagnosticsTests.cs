namespace Baton.Cli.Tests;

/// <summary>
/// Each folder under Golden/broken is a broken stack with the exact output <c>baton validate</c> must give for it
/// (expected.txt: exit code, then standard error). Set BATON_UPDATE_GOLDEN=1 to rewrite the expected files after
/// a deliberate change, then review the diff.
/// </summary>
public sealed class GoldenDiagnosticsTests
{
    private static readonly string BrokenRoot = Path.Combine(RepositoryPaths.Root, "tests", "Baton.Cli.Tests", "Golden", "broken");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var directory in Directory.EnumerateDirectories(BrokenRoot).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(directory));
        }

        return data;
    }

    [Fact]
    public void Cases_AreAtLeastTwentyFive() => Assert.True(Cases().Count >= 25, $"only {Cases().Count} broken-stack cases");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validate_BrokenStack_PrintsExactlyTheExpectedDiagnostics(string name)
    {
        var directory = Path.Combine(BrokenRoot, name);
        var args = new List<string> { "validate", name };
        var argsFile = Path.Combine(directory, "args.txt");
        if (File.Exists(argsFile))
        {
            args.AddRange(File.ReadAllLines(argsFile).Where(line => line.Length > 0));
        }

        var result = CliRunner.Run(BrokenRoot, [.. args]);
        var actual = $"exit {result.ExitCode}\n{result.Error}";
        var expectedFile = Path.Combine(directory, "expected.txt");
        if (Environment.GetEnvironmentVariable("BATON_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(expectedFile, actual);
        }

        Assert.True(File.Exists(expectedFile), $"{expectedFile} is missing; run with BATON_UPDATE_GOLDEN=1 to create it");
        Assert.Equal(File.ReadAllText(expectedFile), actual);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error[BT", result.Error, StringComparison.Ordinal);
    }
}
