using System.Text.RegularExpressions;
using Baton.Cli.Commands;

namespace Baton.Cli.Tests;

/// <summary>
/// docs/providers holds one page per provider, each exactly what <c>baton providers NAME</c> writes from the schemas
/// (BATON_UPDATE_GOLDEN=1 rewrites the pages and writes missing ones), and an index that links every page.
/// </summary>
public sealed partial class ProviderDocsTests
{
    private static readonly string Pages = Path.Combine(RepositoryPaths.Root, "docs", "providers");

    private static List<string> Families => [.. Workspace.Registry.Factories.Keys.Order(StringComparer.Ordinal)];

    [Fact]
    public void ProviderPages_AreGeneratedFromTheSchemas()
    {
        Assert.Contains("sim", Families);
        Assert.Contains("file", Families);
        var update = Environment.GetEnvironmentVariable("BATON_UPDATE_GOLDEN") == "1";
        foreach (var family in Families)
        {
            var generated = CliRunner.Run(RepositoryPaths.Root, "providers", family);
            Assert.Equal(0, generated.ExitCode);
            Assert.StartsWith($"# Provider `{family}`\n", generated.Out, StringComparison.Ordinal);
            var path = Path.Combine(Pages, family + ".md");
            if (update)
            {
                Directory.CreateDirectory(Pages);
                File.WriteAllText(path, generated.Out);
            }

            Assert.True(File.Exists(path), $"docs/providers/{family}.md is missing; run the tests with BATON_UPDATE_GOLDEN=1 to write it");
            Assert.Equal(generated.Out, File.ReadAllText(path));
        }

        var extra = Directory.GetFiles(Pages, "*.md").Select(Path.GetFileName).Where(name => name != "README.md" && !Families.Contains(Path.GetFileNameWithoutExtension(name)!)).ToList();
        Assert.True(extra.Count == 0, $"docs/providers has pages of no provider ({string.Join(", ", extra)}); remove them");
    }

    [Fact]
    public void ProviderPage_PutsResourcesAndActionsUnderItsTitle()
    {
        var page = CliRunner.Run(RepositoryPaths.Root, "providers", "sim").Out;
        Assert.Contains("\n## resource `sim.resource`\n", page, StringComparison.Ordinal);
        Assert.Contains("\n## action `sim.action`\n", page, StringComparison.Ordinal);
        Assert.DoesNotContain("\n# ", page, StringComparison.Ordinal);
        Assert.EndsWith("|\n", page, StringComparison.Ordinal);
    }

    [Fact]
    public void ProviderIndex_LinksEveryPage()
    {
        var index = File.ReadAllText(Path.Combine(Pages, "README.md"));
        var linked = PageLink().Matches(index).Select(match => match.Groups[1].Value).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(Families, linked);
    }

    [Fact]
    public void Providers_WithAnUnknownName_IsAnErrorNamingTheProviders()
    {
        var result = CliRunner.Run(RepositoryPaths.Root, "providers", "nope");
        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.Out);
        Assert.Contains("there is no provider \"nope\"; providers: container, file, host, http", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Providers_WithoutAName_PrintsEveryProvider()
    {
        var all = CliRunner.Run(RepositoryPaths.Root, "providers");
        Assert.Equal(0, all.ExitCode);
        Assert.Contains("### `sim`\n", all.Out, StringComparison.Ordinal);
        Assert.Contains("#### resource `file.template`", all.Out, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\]\(([a-z0-9_-]+)\.md\)")]
    private static partial Regex PageLink();
}
