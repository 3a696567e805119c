using Baton.Diagnostics;
using Baton.Expressions;
using Baton.Spec;
using Baton.Values;

namespace Baton.Libraries.Tests.Language.Expressions;

/// <summary>template() and file() cannot multiply work: one evaluation has a budget of calls and characters.</summary>
public sealed class TemplateBudgetTests : IDisposable
{
    private readonly string _stack = Directory.CreateTempSubdirectory("templates-").FullName;

    public void Dispose() => Directory.Delete(_stack, recursive: true);

    private (Value Value, DiagnosticBag Diagnostics, long Allocated, TimeSpan Took) Evaluate(string text)
    {
        var scope = new EvaluationScope([], new StackFileHost(_stack));
        var diagnostics = new DiagnosticBag();
        var expression = ExpressionParser.ParseExpression(text, Baton.Text.TextOrigin.Verbatim("baton.yaml", new SourcePosition(1, 1), text), diagnostics);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var value = Evaluator.Evaluate(expression, scope, diagnostics);
        return (value, diagnostics, GC.GetAllocatedBytesForCurrentThread() - before, clock.Elapsed);
    }

    [Fact]
    public void Template_IncludingItselfTenTimesALine_StopsWithOneErrorInBoundedWork()
    {
        var line = string.Concat(Enumerable.Repeat("${template(\"self.tmpl\")}", 10));
        File.WriteAllText(Path.Combine(_stack, "self.tmpl"), "x " + line + "\n");

        var (value, diagnostics, allocated, took) = Evaluate("template(\"self.tmpl\")");

        Assert.False(value.IsKnown);
        var error = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticCodes.FunctionFailed, error.Code);
        Assert.StartsWith("template: ", error.Message, StringComparison.Ordinal);
        Assert.True(allocated < 64L * 1024 * 1024, $"allocated {allocated / (1024 * 1024)} MiB");
        Assert.True(took < TimeSpan.FromSeconds(10), $"took {took}");
    }

    [Fact]
    public void Template_WideFanOutWithinTheDepth_RunsOutOfCallsOnce()
    {
        // Four levels of a hundred includes: 10^8 renders without a budget, and never too deep.
        for (var level = 0; level < 4; level++)
        {
            var next = string.Concat(Enumerable.Repeat($"${{template(\"t{level + 1}.tmpl\")}}", 100));
            File.WriteAllText(Path.Combine(_stack, $"t{level}.tmpl"), next);
        }

        File.WriteAllText(Path.Combine(_stack, "t4.tmpl"), "leaf");

        var (_, diagnostics, _, _) = Evaluate("template(\"t0.tmpl\")");

        Assert.Equal($"template: more than {EvaluationBudget.MaxCalls:N0} file() and template() calls in one expression", Assert.Single(diagnostics).Message);
    }

    [Fact]
    public void File_ReadManyTimes_RunsOutOfCharactersOnce()
    {
        File.WriteAllText(Path.Combine(_stack, "big.txt"), new string('b', 3 * 1024 * 1024));

        var (_, diagnostics, _, _) = Evaluate("join(\"\", [" + string.Join(", ", Enumerable.Repeat("file(\"big.txt\")", 20)) + "])");

        Assert.Equal("file: more than 32 Mi characters read and rendered by file() and template() in one expression", Assert.Single(diagnostics).Message);
    }

    [Fact]
    public void Template_NestedIncludesWithinTheBudget_Render()
    {
        File.WriteAllText(Path.Combine(_stack, "outer.tmpl"), "[${template(\"inner.tmpl\", {n = n})}|${template(\"inner.tmpl\", {n = n + 1})}]");
        File.WriteAllText(Path.Combine(_stack, "inner.tmpl"), "n=${n}");

        var (value, diagnostics, _, _) = Evaluate("template(\"outer.tmpl\", {n = 1})");

        Assert.Empty(diagnostics);
        Assert.Equal(Value.String("[n=1|n=2]"), value);
    }
}
