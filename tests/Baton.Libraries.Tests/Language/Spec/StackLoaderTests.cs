using Baton.Diagnostics;
using Baton.Spec;
using static Baton.Libraries.Tests.Language.Spec.StackText;

namespace Baton.Libraries.Tests.Language.Spec;

public sealed class StackLoaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("shop-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(_directory, name), text);

    private (Baton.Spec.Declarations.StackSpec? Spec, DiagnosticBag Diagnostics) Load(string? directory = null)
    {
        var diagnostics = new DiagnosticBag();
        return (StackLoader.Load(directory ?? _directory, "shop", diagnostics), diagnostics);
    }

    [Fact]
    public void Load_MainAndFragments_MergesMainFirstThenFragmentsByName()
    {
        Write("b.baton.yaml", "resources:\n  b:\n    type: x.y\n");
        Write("baton.yaml", "resources:\n  main:\n    type: x.y\n");
        Write("a.baton.yaml", "resources:\n  a:\n    type: x.y\n");
        Write("notes.yaml", "resources: [this is not read]\n");
        Write("c.baton.yml", "resources: [nor this]\n");

        var (spec, diagnostics) = Load();

        AssertClean(diagnostics);
        Assert.Equal(["shop/baton.yaml", "shop/a.baton.yaml", "shop/b.baton.yaml"], spec!.Files.Select(f => f.Path));
        Assert.Equal(["main", "a", "b"], spec.Resources.Select(r => r.Name));
    }

    [Fact]
    public void Load_SameResourceInTwoFiles_NamesBothPlaces()
    {
        Write("baton.yaml", "resources:\n  db:\n    type: x.y\n");
        Write("extra.baton.yaml", "# more\nresources:\n  db:\n    type: z.w\n");

        var (spec, diagnostics) = Load();
        var diagnostic = Single(diagnostics);

        Assert.Equal(DiagnosticCodes.DuplicateName, diagnostic.Code);
        Assert.Equal("the resource \"db\" is defined twice", diagnostic.Message);
        Assert.Equal(new SourceSpan("shop/extra.baton.yaml", At(3, 3), At(3, 5)), diagnostic.Span);
        var note = Assert.Single(diagnostic.Notes);
        Assert.Equal(new SourceSpan("shop/baton.yaml", At(2, 3), At(2, 5)), note.Span);
        Assert.Equal("x.y", Assert.Single(spec!.Resources).Type);
    }

    [Fact]
    public void Load_NoStackName_DefaultsToTheDirectoryName()
    {
        Write("baton.yaml", "description: d\n");

        var (spec, _) = Load(_directory + Path.DirectorySeparatorChar);

        Assert.Equal(Path.GetFileName(_directory), spec!.Name);
        Assert.Null(spec.NameSpan);
    }

    [Fact]
    public void Load_StackNameInAFragment_IsUsed()
    {
        Write("baton.yaml", "description: d\n");
        Write("x.baton.yaml", "stack: checkout\n");

        var (spec, diagnostics) = Load();

        AssertClean(diagnostics);
        Assert.Equal("checkout", spec!.Name);
    }

    [Fact]
    public void Load_ConflictingStackNames_IsAnErrorInTheLaterFile()
    {
        Write("baton.yaml", "stack: checkout\n");
        Write("x.baton.yaml", "stack: payments\n");

        var (spec, diagnostics) = Load();
        var diagnostic = Single(diagnostics);

        Assert.Equal(DiagnosticCodes.ConflictingStackName, diagnostic.Code);
        Assert.Equal("this file names the stack \"payments\" but another names it \"checkout\"", diagnostic.Message);
        Assert.Equal("shop/x.baton.yaml", diagnostic.Span!.File);
        Assert.Equal("shop/baton.yaml", Assert.Single(diagnostic.Notes).Span!.File);
        Assert.Equal("checkout", spec!.Name);
    }

    [Fact]
    public void Load_SameStackNameTwice_IsAccepted()
    {
        Write("baton.yaml", "stack: checkout\n");
        Write("x.baton.yaml", "stack: checkout\n");

        AssertClean(Load().Diagnostics);
    }

    [Fact]
    public void Load_MissingDirectory_IsNoStackFile()
    {
        var (spec, diagnostics) = Load(Path.Combine(_directory, "nope"));
        var diagnostic = Single(diagnostics);

        Assert.Null(spec);
        Assert.Equal(DiagnosticCodes.NoStackFile, diagnostic.Code);
        Assert.Equal("the stack directory \"shop\" does not exist", diagnostic.Message);
        Assert.Equal("shop", diagnostic.Subject);
        Assert.Null(diagnostic.Span);
    }

    [Fact]
    public void Load_DirectoryWithoutStackFiles_IsNoStackFile()
    {
        Write("readme.md", "# hi\n");

        var (spec, diagnostics) = Load();
        var diagnostic = Single(diagnostics);

        Assert.Null(spec);
        Assert.Equal("no stack file in \"shop\"", diagnostic.Message);
        Assert.Equal("a stack directory holds baton.yaml and any number of *.baton.yaml files", diagnostic.Help);
    }

    [Fact]
    public void Load_UnreadableFile_IsReportedAndTheRestLoads()
    {
        Write("baton.yaml", "resources:\n  db:\n    type: x.y\n");
        File.CreateSymbolicLink(Path.Combine(_directory, "broken.baton.yaml"), Path.Combine(_directory, "missing-target"));

        var (spec, diagnostics) = Load();
        var diagnostic = Single(diagnostics);

        Assert.Equal(DiagnosticCodes.UnreadableStackFile, diagnostic.Code);
        Assert.Equal("shop/broken.baton.yaml does not exist", diagnostic.Message);
        Assert.Equal("shop/broken.baton.yaml", diagnostic.Subject);
        Assert.Equal(["db"], spec!.Resources.Select(r => r.Name));
    }

    [Theory]
    [InlineData(".", "baton.yaml")]
    [InlineData("", "baton.yaml")]
    [InlineData("stacks/shop/", "stacks/shop/baton.yaml")]
    [InlineData("shop", "shop/baton.yaml")]
    public void DisplayPath_Directory_JoinsAsTyped(string directory, string expected) =>
        Assert.Equal(expected, StackLoader.DisplayPath(directory, "baton.yaml"));
}
