using Baton.Diagnostics;
using Baton.Binding;
using Baton.Spec;
using Baton.Text;
using CsCheck;

namespace Baton.Cli.Tests;

/// <summary>
/// Whatever a stack file holds, checking it ends in diagnostics, never an exception, and every diagnostic points
/// inside the file it names.
/// </summary>
public sealed class StackCheckRobustnessTests
{
    private static readonly string Quickstart = File.ReadAllText(Path.Combine(RepositoryPaths.Examples, "quickstart", "baton.yaml"));

    /// <summary>Edits of the quickstart file: cut a range, or splice in fragments of YAML and expression syntax.</summary>
    private static readonly Gen<string> MutatedStacks =
        Gen.Select(
            Gen.Int[0, Quickstart.Length],
            Gen.Int[0, 40],
            Gen.OneOf(
                Gen.Const(string.Empty),
                Gen.OneOf("${", "}", "\"", "'", ":", "- ", "\n", "  ", "[", "]", "{", "&a ", "*a", "<<: *a", "${a.b[", "count: 3\n", "\t", "%{", "${var.", "\u00e9", "null", "~")
                    .Array[1, 4]
                    .Select(parts => string.Concat(parts))),
            (position, cut, insert) =>
            {
                var end = Math.Min(Quickstart.Length, position + cut);
                return Quickstart[..position] + insert + Quickstart[end..];
            });

    [Fact]
    public void CheckingAnyEditedStack_NeverThrows_AndPointsInsideTheFile()
    {
        var broken = 0;
        MutatedStacks.Sample(
            text =>
            {
                var diagnostics = new DiagnosticBag();
                var file = new SourceFile("baton.yaml", text);
                var spec = StackLoader.Parse([file], "fuzz", diagnostics);
                StackBinder.Bind(spec, [], new StackFileHost(Path.Combine(RepositoryPaths.Examples, "quickstart")), new BindOptions(), diagnostics);
                if (diagnostics.HasErrors)
                {
                    Interlocked.Increment(ref broken);
                }

                foreach (var diagnostic in diagnostics)
                {
                    if (diagnostic.Span is { } span)
                    {
                        Assert.Equal("baton.yaml", span.File);
                        Assert.InRange(span.Start.Line, 1, file.LineCount);
                        Assert.InRange(span.Start.Column, 1, file.Line(span.Start.Line).Length + 1);
                    }

                    Assert.Matches("^BT[1-5][0-9]{3}$", diagnostic.Code);
                    Assert.False(string.IsNullOrWhiteSpace(diagnostic.Message));
                }
            },
            iter: 400);

        // The edits must actually break files, or the property says nothing.
        Assert.InRange(broken, 100, 400);
    }
}
