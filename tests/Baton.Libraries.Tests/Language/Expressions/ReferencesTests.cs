using Baton.Expressions;
using Baton.Values;
using static Baton.Libraries.Tests.Language.Expressions.ExpressionTestHelpers;

namespace Baton.Libraries.Tests.Language.Expressions;

public sealed class ReferencesTests
{
    [Fact]
    public void Of_IndexedResource_GivesIndexThenAttribute()
    {
        var reference = Assert.Single(References.Of(Parse("web[1].endpoint")));
        Assert.Equal("web", reference.Root);
        Assert.Equal(new Traversal[] { new IndexTraversal(Value.Number(1)), new AttributeTraversal("endpoint") }, reference.Steps.ToArray());
        Assert.Equal("web[1].endpoint", reference.ToString());
    }

    [Fact]
    public void Of_MapKeyedResource_GivesStringIndex()
    {
        var reference = Assert.Single(References.Of(Parse("site[\"eu\"].url")));
        Assert.Equal(new Traversal[] { new IndexTraversal(Value.String("eu")), new AttributeTraversal("url") }, reference.Steps.ToArray());
    }

    [Fact]
    public void Of_Variable_GivesAttribute()
    {
        var reference = Assert.Single(References.Of(Parse("var.replicas")));
        Assert.Equal("var", reference.Root);
        Assert.Equal("replicas", reference.FirstAttribute);
    }

    [Fact]
    public void Of_ComputedIndex_IsDynamicAndItsKeyIsAReferenceToo()
    {
        var references = References.Of(Parse("web[count.index].name")).ToList();
        Assert.Equal(2, references.Count);
        var dynamic = Assert.IsType<DynamicIndexTraversal>(references[0].Steps[0]);
        Assert.Equal("count.index", ExpressionPrinter.Print(dynamic.Key));
        Assert.Equal("count.index", references[1].ToString());
    }

    [Fact]
    public void Of_Splat_IncludesSplatStep()
    {
        var reference = Assert.Single(References.Of(Parse("web[*].name")));
        Assert.Equal("web[*].name", reference.ToString());
    }

    [Fact]
    public void Of_ReferencesEverywhere_AreAllFoundInSourceOrder()
    {
        var text = "cond.x ? join(\",\", [a.b, \"${c}\"]) : { (d) = e.f[0] }[g]";
        var roots = References.Of(Parse(text)).Select(r => r.ToString()).ToList();
        Assert.Equal(["cond.x", "a.b", "c", "d", "e.f[0]", "g"], roots);
    }

    [Fact]
    public void Of_ChainBrokenByCall_StartsAfterTheCall()
    {
        var references = References.Of(Parse("lookup(m, \"k\").x")).ToList();
        Assert.Equal("m", Assert.Single(references).ToString());
    }

    [Fact]
    public void Of_Template_FindsEachInterpolation() =>
        Assert.Equal(["db.connection_string", "run.id"], References.Of(ParseTemplate("${db.connection_string}/${run.id}")).Select(r => r.ToString()));

    [Fact]
    public void Of_Reference_SpanCoversRootAndStepsAndRootSpanTheRoot()
    {
        var reference = Assert.Single(References.Of(Parse("1 + dbb.connection_string")));
        Assert.Equal("3:14-3:35", Position(reference.Span));
        Assert.Equal("3:14-3:17", Position(reference.RootSpan));
    }

    [Fact]
    public void Of_Literal_HasNoReferences() => Assert.Empty(References.Of(Parse("[1, \"a\", { k = true }]")));
}
