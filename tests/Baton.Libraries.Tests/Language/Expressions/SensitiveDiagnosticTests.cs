using Baton.Diagnostics;
using Baton.Expressions;
using Baton.Spec;
using Baton.Values;
using static Baton.Libraries.Tests.Language.Expressions.ExpressionTestHelpers;

namespace Baton.Libraries.Tests.Language.Expressions;

/// <summary>A diagnostic about a sensitive value says "(sensitive)" where it would have quoted the value.</summary>
public sealed class SensitiveDiagnosticTests : IDisposable
{
    private const string Secret = "hunter2-top";

    private readonly string _stack = Directory.CreateTempSubdirectory("sensitive-").FullName;

    public void Dispose() => Directory.Delete(_stack, recursive: true);

    private EvaluationScope Scope(Value secret) => new(
        [
            KeyValuePair.Create("secret", secret),
            KeyValuePair.Create("secrets", Map(("pw", Str(Secret))).AsSensitive()),
            KeyValuePair.Create("plain", Str("not-a-number")),
        ],
        new StackFileHost(_stack));

    [Theory]
    [InlineData("tonumber(secret)", "tonumber: cannot convert the string (sensitive) to a number")]
    [InlineData("tobool(secret)", "tobool: cannot convert the string (sensitive) to a bool")]
    [InlineData("lookup({a = 1}, secret)", "lookup: the map has no key (sensitive)")]
    [InlineData("file(secret)", "file: cannot read (sensitive): (sensitive) does not exist")]
    [InlineData("file(\"../${secret}\")", "file: cannot read (sensitive): (sensitive) is outside the stack directory")]
    [InlineData("file(\"/etc/${secret}\")", "file: cannot read (sensitive): (sensitive) is outside the stack directory")]
    [InlineData("template(secret)", "template: cannot read (sensitive): (sensitive) does not exist")]
    [InlineData("format(\"%d\", secret)", "format: %d needs a number, got the string (sensitive)")]
    [InlineData("tonumber(secrets.pw)", "tonumber: cannot convert the string (sensitive) to a number")]
    public void Evaluate_FunctionFailingOnASecret_DoesNotQuoteIt(string text, string message)
    {
        var (_, diagnostic) = EvalFailing(text, Scope(Str(Secret).AsSensitive()));

        Assert.Equal(message, diagnostic.Message);
        Assert.DoesNotContain(Secret, diagnostic.Message + diagnostic.Help, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_FunctionFailingOnAPlainValue_StillQuotesIt()
    {
        var (_, diagnostic) = EvalFailing("tonumber(plain)", Scope(Str(Secret).AsSensitive()));

        Assert.Equal("tonumber: cannot convert the string \"not-a-number\" to a number", diagnostic.Message);
    }

    [Fact]
    public void Evaluate_TemplateFailingOnASensitiveVar_DoesNotQuoteIt()
    {
        File.WriteAllText(Path.Combine(_stack, "t.tmpl"), "port ${tonumber(pw)}\n");

        foreach (var call in new[] { "template(\"t.tmpl\", {pw = secret})", "template(\"t.tmpl\", secrets)" })
        {
            var (_, diagnostic) = EvalFailing(call, Scope(Str(Secret).AsSensitive()));

            Assert.Equal("tonumber: cannot convert the string (sensitive) to a number", diagnostic.Message);
        }
    }

    [Fact]
    public void Evaluate_TemplateOfSensitiveVars_IsSensitive()
    {
        File.WriteAllText(Path.Combine(_stack, "t.tmpl"), "password ${pw}\n");

        Assert.True(Eval("template(\"t.tmpl\", secrets)", Scope(Str(Secret))).IsSensitive);
    }

    [Fact]
    public void Scrub_ShortSecret_IsReplacedOnlyWhereQuoted()
    {
        var scrubbed = SensitiveText.Scrub("a \"ab\" and cab", Str("ab").AsSensitive());

        Assert.Equal("a (sensitive) and cab", scrubbed);
    }

    [Fact]
    public void Scrub_SecretsInNestedValuesAndKeys_AreAllReplaced()
    {
        var inputs = Map(("plain", Str("visible")), ("nested", List(Map(("deep", Str("s3cr3t-deep"))).AsSensitive())), ("n", Num(31337).AsSensitive()));
        var diagnostic = Diagnostic.Error("BT0000", "visible s3cr3t-deep 31337", help: "see s3cr3t-deep").WithNote("31337");

        var scrubbed = SensitiveText.Scrub(diagnostic, inputs);

        Assert.Equal("visible (sensitive) (sensitive)", scrubbed.Message);
        Assert.Equal("see (sensitive)", scrubbed.Help);
        Assert.Equal("(sensitive)", Assert.Single(scrubbed.Notes).Message);
        Assert.Same(diagnostic, SensitiveText.Scrub(diagnostic, Str("visible")));
    }
}
