using Baton.Diagnostics;
using Baton.Expressions;
using Baton.Binding;
using Baton.Spec;
using Baton.Spec.Declarations;
using Baton.Text;

namespace Baton.Libraries.Tests.Language.Spec;

/// <summary>Stack files held in memory, parsed and bound the way the CLI does it, for tests of one check at a time.</summary>
internal static class StackText
{
    public const string FileName = "baton.yaml";

    public static (StackSpec Spec, DiagnosticBag Diagnostics) Parse(string yaml)
    {
        var diagnostics = new DiagnosticBag();
        var spec = StackLoader.Parse([new SourceFile(FileName, yaml)], "teststack", diagnostics);
        return (spec, diagnostics);
    }

    public static (BoundStack Stack, DiagnosticBag Diagnostics) Bind(string yaml, IReadOnlyList<VariableInput>? inputs = null, BindOptions? options = null)
    {
        var (spec, diagnostics) = Parse(yaml);
        Assert.True(diagnostics.Count == 0, "the stack does not parse cleanly: " + Describe(diagnostics));
        var stack = StackBinder.Bind(spec, inputs ?? [], NoFiles.Instance, options ?? new BindOptions(), diagnostics);
        return (stack, diagnostics);
    }

    /// <summary>The single diagnostic of a bag, failing with the whole list when there is not exactly one.</summary>
    public static Diagnostic Single(DiagnosticBag diagnostics)
    {
        Assert.True(diagnostics.Count == 1, "expected one diagnostic, got: " + Describe(diagnostics));
        return diagnostics[0];
    }

    public static void AssertClean(DiagnosticBag diagnostics) =>
        Assert.True(diagnostics.Count == 0, "expected no diagnostics, got: " + Describe(diagnostics));

    public static string Describe(IEnumerable<Diagnostic> diagnostics) =>
        string.Join("; ", diagnostics.Select(d => $"{d.Code} {d.Span?.Start} {d.Message}"));

    public static SourcePosition At(int line, int column) => new(line, column);

    /// <summary>A host that reads no files: binding in these tests never calls file().</summary>
    internal sealed class NoFiles : IExpressionHost
    {
        public static readonly NoFiles Instance = new();

        public bool TryReadFile(string path, out string content, out string error)
        {
            content = string.Empty;
            error = "no files in tests";
            return false;
        }
    }
}
