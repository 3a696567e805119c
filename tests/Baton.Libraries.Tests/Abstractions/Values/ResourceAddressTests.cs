using Baton.Addresses;
using CsCheck;

namespace Baton.Libraries.Tests.Abstractions.Values;

public sealed class ResourceAddressTests
{
    private static readonly Gen<string> Names =
        Gen.Select(
            Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"],
            Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"], 0, 12],
            (first, rest) => first + rest);

    // Keys with quotes, backslashes or control characters print escaped, which the parser does not read back.
    private static readonly Gen<string> Keys =
        Gen.String[Gen.Char.Where(c => c >= ' ' && c != '"' && c != '\\' && !char.IsControl(c) && !char.IsSurrogate(c)), 0, 16];

    private static readonly Gen<ResourceAddress> Addresses =
        Gen.OneOf(
            Names.Select(name => new ResourceAddress(name)),
            Gen.Select(Names, Gen.Int[0, int.MaxValue], (name, index) => new ResourceAddress(name, InstanceKey.Of(index))),
            Gen.Select(Names, Keys, (name, key) => new ResourceAddress(name, InstanceKey.Of(key))));

    [Fact]
    public void TryParse_ToStringOfAnyAddress_GivesTheAddressBack() =>
        Addresses.Sample(address => ResourceAddress.TryParse(address.ToString(), out var parsed) && parsed == address);

    [Theory]
    [InlineData("db", "db")]
    [InlineData("web[2]", "web[2]")]
    [InlineData("web[007]", "web[7]")]
    [InlineData("site[\"eu-west\"]", "site[\"eu-west\"]")]
    [InlineData("site[\"a]b\"]", "site[\"a]b\"]")]
    [InlineData("site[\"\"]", "site[\"\"]")]
    public void TryParse_Valid_ParsesAndPrints(string text, string printed)
    {
        Assert.True(ResourceAddress.TryParse(text, out var address));
        Assert.Equal(printed, address.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("1web")]
    [InlineData("web.x")]
    [InlineData("web[")]
    [InlineData("web[]")]
    [InlineData("web[-1]")]
    [InlineData("web[1")]
    [InlineData("web[ 1]")]
    [InlineData("web[1]x")]
    [InlineData("web[\"]")]
    [InlineData("web[\"a\\\"b\"]")]
    [InlineData("web[a]")]
    public void TryParse_Malformed_IsFalse(string text)
    {
        Assert.False(ResourceAddress.TryParse(text, out var address));
        Assert.Null(address);
    }

    [Fact]
    public void CompareTo_Addresses_OrderByNameThenBareThenIndexThenKey()
    {
        string[] texts = ["web[\"b\"]", "web[10]", "db", "web", "web[2]", "web[\"a\"]"];
        var sorted = texts.Select(t => ResourceAddress.TryParse(t, out var a) ? a : throw new ArgumentException(t)).Order().Select(a => a.ToString());

        Assert.Equal(["db", "web", "web[2]", "web[10]", "web[\"a\"]", "web[\"b\"]"], sorted);
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("my-db_2", true)]
    [InlineData("_db", false)]
    [InlineData("2db", false)]
    [InlineData("d b", false)]
    [InlineData("dé", false)]
    public void IsValidName_Name_AcceptsLetterThenLettersDigitsUnderscoreDash(string name, bool valid) =>
        Assert.Equal(valid, ResourceAddress.IsValidName(name));
}
