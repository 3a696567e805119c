using Baton.Text;

namespace Baton.Libraries.Tests.Language.Text;

public sealed class SuggestionsTests
{
    [Theory]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("", "abc", 3)]
    [InlineData("abc", "abc", 0)]
    [InlineData("ab", "ba", 1)]
    [InlineData("repliacs", "replicas", 1)]
    [InlineData("ca", "abc", 3)]
    public void Distance_Pairs_IsOptimalStringAlignment(string a, string b, int expected)
    {
        Assert.Equal(expected, Suggestions.Distance(a, b));
        Assert.Equal(expected, Suggestions.Distance(b, a));
    }

    [Fact]
    public void Closest_Transposition_CountsAsOneEdit() =>
        Assert.Equal("replicas", Suggestions.Closest("repliacs", ["region", "replicas"]));

    [Fact]
    public void Closest_CaseOnlyDifference_WinsOverAnyEdit() =>
        Assert.Equal("Type", Suggestions.Closest("type", ["tyle", "Type"]));

    [Fact]
    public void Closest_ExactMatch_IsNotSuggested() =>
        Assert.Null(Suggestions.Closest("type", ["type"]));

    [Fact]
    public void Closest_Tie_GoesToFirstListed()
    {
        Assert.Equal("bat", Suggestions.Closest("cat", ["bat", "hat"]));
        Assert.Equal("hat", Suggestions.Closest("cat", ["hat", "bat"]));
    }

    [Fact]
    public void Closest_LaterCloserCandidate_Wins() =>
        Assert.Equal("abcdefghx", Suggestions.Closest("abcdefghi", ["abcdefxyz", "abcdefghx"]));

    [Theory]
    [InlineData("db", "dc", true)]
    [InlineData("db", "xy", false)]
    [InlineData("abcde", "abxde", true)]
    [InlineData("abcde", "abxye", false)]
    [InlineData("abcdefghi", "abcdefxyz", true)]
    [InlineData("abcdefghi", "abcdewxyz", false)]
    public void Closest_Threshold_IsOneEditOrAThirdOfTheLength(string name, string candidate, bool suggested) =>
        Assert.Equal(suggested ? candidate : null, Suggestions.Closest(name, [candidate]));

    [Fact]
    public void DidYouMean_CloseName_QuotesTheSuggestion() =>
        Assert.Equal("did you mean \"resources\"?", Suggestions.DidYouMean("resorces", ["variables", "resources"]));

    [Fact]
    public void DidYouMean_NothingClose_IsNull() =>
        Assert.Null(Suggestions.DidYouMean("zzzzzz", ["variables", "resources"]));
}
