using Baton.Diagnostics;
using Baton.Text;

namespace Baton.Libraries.Tests.Language.Text;

public sealed class SourceFileTests
{
    private static readonly SourceFile Crlf = new("f.yaml", "a: 1\r\nbb: 2\r\n");

    [Fact]
    public void Line_Crlf_StripsBothCharacters()
    {
        Assert.Equal(3, Crlf.LineCount);
        Assert.Equal("a: 1", Crlf.Line(1));
        Assert.Equal("bb: 2", Crlf.Line(2));
        Assert.Equal(string.Empty, Crlf.Line(3));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(-1)]
    public void Line_OutOfRange_IsEmpty(int line) =>
        Assert.Equal(string.Empty, Crlf.Line(line));

    [Theory]
    [InlineData(0, 1, 1)]
    [InlineData(3, 1, 4)]
    [InlineData(5, 1, 6)]
    [InlineData(6, 2, 1)]
    [InlineData(8, 2, 3)]
    [InlineData(13, 3, 1)]
    [InlineData(500, 3, 1)]
    [InlineData(-7, 1, 1)]
    public void PositionAt_Index_IsOneBasedAndClamped(int index, int line, int column) =>
        Assert.Equal(new SourcePosition(line, column), Crlf.PositionAt(index));

    [Fact]
    public void Line_LastLineWithoutBreak_IsReturnedWhole()
    {
        var file = new SourceFile("f.yaml", "one\ntwo");

        Assert.Equal(2, file.LineCount);
        Assert.Equal("two", file.Line(2));
        Assert.Equal(new SourcePosition(2, 4), file.PositionAt(7));
    }
}
