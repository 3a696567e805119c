namespace Baton.Cli.Tests;

/// <summary>The README's provider reference is the one the schemas produce (BATON_UPDATE_GOLDEN=1 rewrites it).</summary>
public sealed class ProviderDocsTests
{
    private const string Begin = "<!-- providers:begin -->\n";
    private const string End = "<!-- providers:end -->";

    [Fact]
    public void Readme_ProviderReference_IsGeneratedFromTheSchemas()
    {
        var generated = CliRunner.Run(RepositoryPaths.Root, "providers");
        Assert.Equal(0, generated.ExitCode);
        Assert.Contains("#### resource `sim.resource`", generated.Out, StringComparison.Ordinal);
        Assert.Contains("#### resource `file.template`", generated.Out, StringComparison.Ordinal);

        var path = Path.Combine(RepositoryPaths.Root, "README.md");
        var readme = File.ReadAllText(path);
        var start = readme.IndexOf(Begin, StringComparison.Ordinal) + Begin.Length;
        var end = readme.IndexOf(End, StringComparison.Ordinal);
        Assert.True(start >= Begin.Length && end > start - 1, "the README lacks the providers markers");
        if (Environment.GetEnvironmentVariable("BATON_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, readme[..start] + generated.Out + readme[end..]);
            readme = File.ReadAllText(path);
            end = readme.IndexOf(End, StringComparison.Ordinal);
        }

        Assert.Equal(generated.Out, readme[start..end]);
    }
}
