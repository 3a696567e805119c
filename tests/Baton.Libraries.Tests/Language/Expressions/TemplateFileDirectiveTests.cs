using Baton.Diagnostics;
using Baton.Expressions;
using Baton.Spec;
using Baton.Values;
using static Baton.Libraries.Tests.Language.Expressions.ExpressionTestHelpers;

namespace Baton.Libraries.Tests.Language.Expressions;

/// <summary>Template files with directives, as providers render them (<see cref="StackTemplateRenderer"/>) and as template() reads them.</summary>
public sealed class TemplateFileDirectiveTests : IDisposable
{
    private const string Upstream =
        "upstream ${name} {\n" +
        "%{~ for h in hosts }\n" +
        "%{~ if h.enabled }\n" +
        "    server ${h.address}:${h.port}%{ if h.backup } backup%{ endif };\n" +
        "%{~ endif }\n" +
        "%{~ endfor }\n" +
        "}\n" +
        "%{ if tls ~}\n" +
        "server {\n" +
        "    listen 443 ssl;\n" +
        "    ssl_certificate /etc/ssl/${name}.pem;\n" +
        "}\n" +
        "%{ endif ~}\n";

    private const string PgHba =
        "# TYPE  DATABASE  USER  ADDRESS  METHOD\n" +
        "local   all       postgres       peer\n" +
        "%{ for r in rules ~}\n" +
        "host    ${r.database}  ${r.user}  ${r.address}  ${r.method}\n" +
        "%{ endfor ~}\n";

    private readonly string _stack = Directory.CreateTempSubdirectory("directives-").FullName;

    public TemplateFileDirectiveTests()
    {
        Directory.CreateDirectory(Path.Combine(_stack, "tpl"));
        File.WriteAllText(Path.Combine(_stack, "tpl", "upstream.conf.tpl"), Upstream);
        File.WriteAllText(Path.Combine(_stack, "tpl", "pg_hba.conf.tpl"), PgHba);
    }

    public void Dispose() => Directory.Delete(_stack, recursive: true);

    private static Value Host(string address, bool enabled = true, bool backup = false) =>
        Map(("address", Str(address)), ("port", Num(8080)), ("enabled", Value.Bool(enabled)), ("backup", Value.Bool(backup)));

    private static Value UpstreamVars(bool tls, Value? hosts = null) => Map(
        ("name", Str("shop")),
        ("tls", Value.Bool(tls)),
        ("hosts", hosts ?? List(Host("10.0.0.1"), Host("10.0.0.2", backup: true), Host("10.0.0.3", enabled: false))));

    private Value? Render(string path, Value vars, out string? error) => new StackTemplateRenderer(_stack).Render(path, vars, out error);

    [Fact]
    public void Render_NginxUpstream_LoopsOverHostsAndKeepsCleanLines()
    {
        var rendered = Render("tpl/upstream.conf.tpl", UpstreamVars(tls: true), out var error);

        Assert.Null(error);
        Assert.Equal(
            Value.String(
                "upstream shop {\n" +
                "    server 10.0.0.1:8080;\n" +
                "    server 10.0.0.2:8080 backup;\n" +
                "}\n" +
                "server {\n" +
                "    listen 443 ssl;\n" +
                "    ssl_certificate /etc/ssl/shop.pem;\n" +
                "}\n"),
            rendered);
    }

    [Fact]
    public void Render_NginxUpstreamWithoutFlag_LeavesTheBlockOut() =>
        Assert.Equal(
            Value.String("upstream shop {\n    server 10.0.0.1:8080;\n}\n"),
            Render("tpl/upstream.conf.tpl", UpstreamVars(tls: false, List(Host("10.0.0.1"))), out _));

    [Fact]
    public void Render_HostsNotKnownYet_IsUnknownText()
    {
        var rendered = Render("tpl/upstream.conf.tpl", UpstreamVars(tls: true, Value.Unknown(BatonType.AnyList)), out var error);

        Assert.Null(error);
        Assert.False(rendered!.IsKnown);
    }

    [Fact]
    public void Render_SensitiveHostsNotInterpolated_MarkTheResult()
    {
        File.WriteAllText(Path.Combine(_stack, "tpl", "count.tpl"), "%{ for h in hosts }#%{ endfor }\n");

        var rendered = Render("tpl/count.tpl", Map(("hosts", List(Str("a"), Str("b")).AsSensitive())), out _);

        Assert.Equal("##\n", rendered!.AsString());
        Assert.True(rendered.IsSensitive);
    }

    [Fact]
    public void Render_UnclosedLoop_NamesFileLineAndColumn()
    {
        File.WriteAllText(Path.Combine(_stack, "tpl", "broken.tpl"), "upstream x {\n  %{ for h in hosts }\n  server ${h};\n}\n");

        var rendered = Render("tpl/broken.tpl", Map(("hosts", List())), out var error);

        Assert.Null(rendered);
        Assert.Equal("tpl/broken.tpl:2:3: \"%{ for }\" at 2:3 is never closed", error);
    }

    [Fact]
    public void Render_ConditionNotBool_NamesFileLineAndColumn()
    {
        File.WriteAllText(Path.Combine(_stack, "tpl", "cond.tpl"), "a\nb %{ if name }x%{ endif }\n");

        Render("tpl/cond.tpl", Map(("name", Str("shop"))), out var error);

        Assert.StartsWith("tpl/cond.tpl:2:9: the condition of \"%{ if }\" must be a bool", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TemplateFunction_PgHbaRules_RendersOneLinePerRule()
    {
        var scope = new EvaluationScope([], new StackFileHost(_stack));
        var text = "template(\"tpl/pg_hba.conf.tpl\", { rules = [" +
            "{ database = \"app\", user = \"app\", address = \"10.0.0.0/24\", method = \"scram-sha-256\" }, " +
            "{ database = \"all\", user = \"replica\", address = \"10.0.1.5/32\", method = \"cert\" }] })";
        var diagnostics = new DiagnosticBag();

        var value = Evaluator.Evaluate(ExpressionParser.ParseExpression(text, Origin(text), diagnostics), scope, diagnostics);

        Assert.Empty(diagnostics);
        Assert.Equal(
            Value.String(
                "# TYPE  DATABASE  USER  ADDRESS  METHOD\n" +
                "local   all       postgres       peer\n" +
                "host    app  app  10.0.0.0/24  scram-sha-256\n" +
                "host    all  replica  10.0.1.5/32  cert\n"),
            value);
    }

    [Fact]
    public void TemplateFunction_MistakeInLoopBody_PointsIntoTheFile()
    {
        var scope = new EvaluationScope([], new StackFileHost(_stack));
        var text = "template(\"tpl/pg_hba.conf.tpl\", { rules = [{ database = \"app\", address = \"::1/128\", method = \"trust\" }] })";
        var diagnostics = new DiagnosticBag();

        Evaluator.Evaluate(ExpressionParser.ParseExpression(text, Origin(text), diagnostics), scope, diagnostics);

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticCodes.MissingElement, diagnostic.Code);
        Assert.Equal("tpl/pg_hba.conf.tpl", diagnostic.Span!.File);
        Assert.Equal(new SourcePosition(4, 26), diagnostic.Span.Start);
    }

    [Fact]
    public void TemplateFunction_UnknownRules_IsUnknownString()
    {
        var scope = new EvaluationScope([KeyValuePair.Create("later", Value.Unknown(BatonType.AnyList))], new StackFileHost(_stack));
        var text = "template(\"tpl/pg_hba.conf.tpl\", { rules = later })";
        var diagnostics = new DiagnosticBag();

        var value = Evaluator.Evaluate(ExpressionParser.ParseExpression(text, Origin(text), diagnostics), scope, diagnostics);

        Assert.Empty(diagnostics);
        Assert.False(value.IsKnown);
        Assert.Equal(TypeKind.String, value.UnknownType.Kind);
    }
}
