using Baton.Diagnostics;
using Baton.Text;

namespace Baton.Libraries.Tests.Language.Text;

public sealed class TextOriginTests
{
    private static readonly SourcePosition Start = new(3, 10);

    [Theory]
    [InlineData(0, 3, 10)]
    [InlineData(1, 3, 11)]
    [InlineData(2, 3, 12)]
    [InlineData(3, 4, 1)]
    [InlineData(5, 4, 3)]
    [InlineData(7, 4, 5)]
    [InlineData(-4, 3, 10)]
    public void PositionOf_VerbatimAcrossLineBreak_StartsNextLineAtColumnOne(int offset, int line, int column)
    {
        var origin = TextOrigin.Verbatim("f.yaml", Start, "ab\ncd");

        Assert.Equal(new SourcePosition(line, column), origin.PositionOf(offset));
    }

    [Fact]
    public void PositionOf_Mapped_ReturnsGivenPositionsAndClampsPastEnd()
    {
        SourcePosition[] positions = [new(1, 5), new(1, 7), new(2, 3), new(2, 4)];
        var origin = TextOrigin.Mapped("f.yaml", positions);

        Assert.Equal(new SourcePosition(1, 7), origin.PositionOf(1));
        Assert.Equal(new SourcePosition(2, 3), origin.PositionOf(2));
        Assert.Equal(new SourcePosition(2, 4), origin.PositionOf(3));
        Assert.Equal(new SourcePosition(2, 4), origin.PositionOf(99));
        Assert.Equal(new SourcePosition(1, 5), origin.PositionOf(-1));
    }

    [Fact]
    public void Mapped_NoPositions_Throws() =>
        Assert.Throws<ArgumentException>(() => TextOrigin.Mapped("f.yaml", []));

    [Fact]
    public void PositionOf_Fixed_MapsEveryOffsetToOnePlace()
    {
        var origin = TextOrigin.Fixed("f.yaml", Start);

        Assert.Equal(Start, origin.PositionOf(0));
        Assert.Equal(Start, origin.PositionOf(42));
    }

    [Fact]
    public void SpanOf_OnOneLine_CoversTheCharacters()
    {
        var span = TextOrigin.Verbatim("f.yaml", Start, "abcdef").SpanOf(2, 5);

        Assert.Equal(new SourceSpan("f.yaml", new SourcePosition(3, 12), new SourcePosition(3, 15)), span);
    }

    [Fact]
    public void SpanOf_CrossingLines_ClampsToOneCharacterOnFirstLine()
    {
        var span = TextOrigin.Verbatim("f.yaml", Start, "ab\ncd").SpanOf(1, 4);

        Assert.Equal(new SourcePosition(3, 11), span.Start);
        Assert.Equal(new SourcePosition(3, 12), span.End);
    }

    [Fact]
    public void SpanOf_EndBeforeStart_IsAPointAtStart()
    {
        var span = TextOrigin.Verbatim("f.yaml", Start, "abcdef").SpanOf(4, 1);

        Assert.Equal(new SourcePosition(3, 14), span.Start);
        Assert.Equal(span.Start, span.End);
    }
}
