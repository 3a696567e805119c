using System.Xml.Linq;

namespace Baton.Cli.Tests;

/// <summary>
/// The project references form a clean stack: the provider SDK depends on nothing, providers see only the SDK and
/// the two libraries made for them, the language, binding, graph, plans and store contracts know no engine, provider or store implementation,
/// drawing sits at the presentation layer beside the server, and only the command line composes the whole. A new project, or a reference across the layers, fails here until the rule is
/// written down below.
/// </summary>
public sealed class ProjectReferenceTests
{
    private static readonly string[] ProviderLibraries = ["Baton.Abstractions", "Baton.Runtime", "Baton.Replicas"];

    /// <summary>What each project under src/ may reference; providers are matched by their prefix.</summary>
    private static HashSet<string>? Allowed(string project, IEnumerable<string> all) => project switch
    {
        "Baton.Abstractions" => new HashSet<string>(),
        "Baton.Runtime" => new HashSet<string> { "Baton.Abstractions" },
        "Baton.Replicas" => new HashSet<string> { "Baton.Abstractions" },
        _ when project.StartsWith("Baton.Providers.", StringComparison.Ordinal) => new HashSet<string>(ProviderLibraries),
        "Baton.Graph" => [],
        "Baton.Language" => new HashSet<string> { "Baton.Abstractions" },
        "Baton.Binding" => new HashSet<string> { "Baton.Language", "Baton.Graph" },
        "Baton.Plans" => new HashSet<string> { "Baton.Abstractions" },
        "Baton.State" => new HashSet<string> { "Baton.Abstractions" },
        "Baton.Scaling" => [],
        "Baton.Engine" => new HashSet<string> { "Baton.Binding", "Baton.Plans", "Baton.State", "Baton.Scaling", "Baton.Runtime" },
        "Baton.State.Sqlite" => new HashSet<string> { "Baton.State" },
        "Baton.Drawing" => new HashSet<string> { "Baton.Graph" },
        "Baton.Server" => new HashSet<string> { "Baton.Engine", "Baton.State.Sqlite", "Baton.Drawing" },
        "Baton.Cli" => [.. all.Where(p => p != "Baton.Cli")],
        _ => null,
    };

    private static Dictionary<string, IReadOnlyList<string>> SourceProjects()
    {
        var projects = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "src"), "*.csproj", SearchOption.AllDirectories))
        {
            var references = XDocument.Load(file).Descendants("ProjectReference")
                .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')))
                .ToList();
            projects[Path.GetFileNameWithoutExtension(file)] = references;
        }

        return projects;
    }

    [Fact]
    public void EverySourceProject_ReferencesOnlyWhatItsLayerAllows()
    {
        var projects = SourceProjects();
        Assert.Contains("Baton.Providers.File", projects.Keys);

        var problems = new List<string>();
        foreach (var (project, references) in projects.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (Allowed(project, projects.Keys) is not { } allowed)
            {
                problems.Add($"{project} has no rule in {nameof(ProjectReferenceTests)}: say what it may reference");
                continue;
            }

            problems.AddRange(references.Where(r => !allowed.Contains(r)).Select(r => $"{project} references {r}, which its layer may not"));
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void NoProvider_ReferencesAnotherProvider_OrTheEngineOrAStateStore()
    {
        var projects = SourceProjects();
        var providers = projects.Where(p => p.Key.StartsWith("Baton.Providers.", StringComparison.Ordinal)).ToList();

        Assert.True(providers.Count >= 8, $"only {providers.Count} providers found");
        foreach (var (provider, references) in providers)
        {
            Assert.All(references, r => Assert.Contains(r, ProviderLibraries));
        }
    }

    [Fact]
    public void TheRules_RefuseAReferenceAcrossTheLayers()
    {
        var all = SourceProjects().Keys.ToList();

        Assert.DoesNotContain("Baton.Language", Allowed("Baton.Providers.File", all)!);
        Assert.DoesNotContain("Baton.Engine", Allowed("Baton.State", all)!);
        Assert.DoesNotContain("Baton.Providers.Sim", Allowed("Baton.Engine", all)!);
        Assert.DoesNotContain("Baton.Runtime", Allowed("Baton.Abstractions", all)!);
        Assert.DoesNotContain("Baton.Drawing", Allowed("Baton.Engine", all)!);
        Assert.DoesNotContain("Baton.Drawing", Allowed("Baton.Binding", all)!);
        Assert.Null(Allowed("Baton.Something.New", all));
    }

    [Fact]
    public void TheArchitecturePage_NamesEverySourceProject()
    {
        var page = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "architecture.md"));

        var missing = SourceProjects().Keys
            .Where(p => !p.StartsWith("Baton.Providers.", StringComparison.Ordinal))
            .Where(p => !page.Contains($"`{p}`", StringComparison.Ordinal))
            .ToList();

        Assert.True(missing.Count == 0, "docs/architecture.md does not name " + string.Join(", ", missing));
        Assert.Contains("`Baton.Providers.*`", page, StringComparison.Ordinal);
    }
}
