using System.Text.RegularExpressions;

namespace Baton.Cli.Tests;

/// <summary>
/// Every relative link in the repository's Markdown — the README, docs/, the projects' and examples' READMEs — leads to
/// a file or folder that exists, and a link to a heading of a Markdown file names one it has (GitHub's anchors).
/// </summary>
public sealed partial class DocsLinksTests
{
    private static readonly string[] Skipped = ["bin", "obj", "node_modules", "artifacts", "TestResults", ".git", ".baton", "out"];

    [Fact]
    public void RelativeLinks_LeadToFilesAndHeadingsThatExist()
    {
        var files = MarkdownFiles(RepositoryPaths.Root).ToList();
        Assert.Contains(files, file => file.EndsWith(Path.Combine("docs", "control-plane.md"), StringComparison.Ordinal));
        var broken = new List<string>();
        var links = 0;
        foreach (var file in files)
        {
            foreach (Match link in Link().Matches(WithoutCode(File.ReadAllText(file))))
            {
                var target = link.Groups[1].Value;
                if (Scheme().IsMatch(target))
                {
                    continue;
                }

                links++;
                var hash = target.IndexOf('#', StringComparison.Ordinal);
                var path = hash < 0 ? target : target[..hash];
                var destination = path.Length == 0 ? file : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, path));
                var name = Path.GetRelativePath(RepositoryPaths.Root, file);
                if (!File.Exists(destination) && !Directory.Exists(destination))
                {
                    broken.Add($"{name}: {target}: no such file");
                }
                else if (hash >= 0 && destination.EndsWith(".md", StringComparison.Ordinal) && !Anchors(destination).Contains(target[(hash + 1)..]))
                {
                    broken.Add($"{name}: {target}: no such heading");
                }
            }
        }

        Assert.True(links > 50, $"only {links} relative links found");
        Assert.True(broken.Count == 0, string.Join("\n", broken));
    }

    [Theory]
    [InlineData("## The control plane: `baton up` and `baton serve`", "the-control-plane-baton-up-and-baton-serve")]
    [InlineData("### Signing a webhook request", "signing-a-webhook-request")]
    [InlineData("## The shop in containers: `examples/shop-containers`", "the-shop-in-containers-examplesshop-containers")]
    [InlineData("# Provider `s3`", "provider-s3")]
    public void Anchor_IsGitHubs(string heading, string anchor) => Assert.Equal(anchor, Slug(heading.TrimStart('#').Trim()));

    private static IEnumerable<string> MarkdownFiles(string directory)
    {
        foreach (var file in Directory.EnumerateFiles(directory, "*.md"))
        {
            yield return file;
        }

        foreach (var child in Directory.EnumerateDirectories(directory).Where(child => !Skipped.Contains(Path.GetFileName(child))))
        {
            foreach (var file in MarkdownFiles(child))
            {
                yield return file;
            }
        }
    }

    /// <summary>The anchors GitHub gives a Markdown file's headings: a second heading of the same text gets "-1".</summary>
    private static HashSet<string> Anchors(string file)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match heading in Heading().Matches(Fence().Replace(File.ReadAllText(file), string.Empty)))
        {
            var slug = Slug(heading.Groups[1].Value.Trim());
            var count = seen.GetValueOrDefault(slug);
            seen[slug] = count + 1;
            anchors.Add(count == 0 ? slug : $"{slug}-{count}");
        }

        return anchors;
    }

    private static string Slug(string heading) => NotInAnchor().Replace(heading.ToLowerInvariant(), string.Empty).Replace(' ', '-');

    private static string WithoutCode(string markdown) => InlineCode().Replace(Fence().Replace(markdown, string.Empty), string.Empty);

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^[a-z][a-z0-9+.-]*:", RegexOptions.IgnoreCase)]
    private static partial Regex Scheme();

    [GeneratedRegex(@"^```.*?^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"^#{1,6} (.*)$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"[^\w\- ]")]
    private static partial Regex NotInAnchor();
}
