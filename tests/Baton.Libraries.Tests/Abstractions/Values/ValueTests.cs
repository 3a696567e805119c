using Baton.Values;

namespace Baton.Libraries.Tests.Abstractions.Values;

public sealed class ValueTests
{
    private static Value Map(params (string Key, Value Value)[] entries) =>
        Value.Map(entries.Select(e => KeyValuePair.Create(e.Key, e.Value)));

    [Fact]
    public void Equals_SensitiveAndPlain_AreEqualWithEqualHashes()
    {
        var plain = Value.List(Value.String("a"), Map(("k", Value.Number(1))));
        var secret = Value.List(Value.String("a").AsSensitive(), Map(("k", Value.Number(1).AsSensitive()))).AsSensitive();

        Assert.Equal(plain, secret);
        Assert.True(plain == secret);
        Assert.Equal(plain.GetHashCode(), secret.GetHashCode());
    }

    [Fact]
    public void Equals_DifferentContents_AreNotEqual()
    {
        Assert.NotEqual(Value.String("1"), Value.Number(1));
        Assert.NotEqual(Value.List(Value.Number(1), Value.Number(2)), Value.List(Value.Number(2), Value.Number(1)));
        Assert.NotEqual(Map(("a", Value.Null)), Map(("b", Value.Null)));
        Assert.NotEqual(Value.Unknown(BatonType.Int), Value.Unknown(BatonType.String));
        Assert.True(Value.Number(1) != Value.Number(2));
    }

    [Fact]
    public void Equals_NegativeZero_EqualsZero() =>
        Assert.Equal(Value.Number(0), Value.Number(-0.0));

    [Fact]
    public void Map_KeyGivenTwice_KeepsTheLastAndOrdersKeys()
    {
        var map = Value.Map([KeyValuePair.Create("b", Value.Number(1)), KeyValuePair.Create("a", Value.Number(2)), KeyValuePair.Create("b", Value.Number(3))]);

        Assert.Equal("{\"a\": 2, \"b\": 3}", map.ToString());
    }

    [Fact]
    public void ToString_SensitiveParts_AreRedacted()
    {
        var value = Value.List(Value.String("a"), Map(("pw", Value.String("hunter2").AsSensitive()), ("user", Value.String("bob"))));

        Assert.Equal("[\"a\", {\"pw\": (sensitive), \"user\": \"bob\"}]", value.ToString());
        Assert.DoesNotContain("hunter2", value.ToString(), StringComparison.Ordinal);
        Assert.True(value.ContainsSensitive);
        Assert.False(value.IsSensitive);
    }

    [Fact]
    public void ToDisplayString_Kinds_PrintForPeople()
    {
        Assert.Equal("plain", Value.String("plain").ToDisplayString());
        Assert.Equal("(sensitive)", Value.String("plain").AsSensitive().ToDisplayString());
        Assert.Equal("(known after apply)", Value.Unknown(BatonType.String).ToDisplayString());
        Assert.Equal("null", Value.Null.ToDisplayString());
    }

    [Fact]
    public void ToString_ControlCharacters_AreEscaped() =>
        Assert.Equal("\"a\\\"b\\\\c\\nd\\te\\u0001\"", Value.String("a\"b\\c\nd\te\u0001").ToString());

    [Theory]
    [InlineData(3, "3")]
    [InlineData(-42, "-42")]
    [InlineData(2.5, "2.5")]
    [InlineData(0.1 + 0.2, "0.30000000000000004")]
    [InlineData(1e15, "1000000000000000")]
    [InlineData(1e21, "1E+21")]
    [InlineData(999999999999999, "999999999999999")]
    [InlineData(1e-7, "1E-07")]
    public void FormatNumber_Number_IsIntegerOrShortestRoundTrip(double number, string expected) =>
        Assert.Equal(expected, Value.FormatNumber(number));

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Number_NotFinite_Throws(double number) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Value.Number(number));

    [Fact]
    public void WithoutSensitivity_RemovesOnlyTheTopMark()
    {
        var value = Value.List(Value.String("x").AsSensitive()).AsSensitive();

        Assert.False(value.WithoutSensitivity().IsSensitive);
        Assert.True(value.WithoutSensitivity().ContainsSensitive);
        Assert.Same(value, value.WithSensitivity(false));
    }

    [Fact]
    public void IsWhollyKnown_UnknownInside_IsFalse()
    {
        var value = Map(("a", Value.List(Value.Unknown(BatonType.Int))));

        Assert.True(value.IsKnown);
        Assert.False(value.IsWhollyKnown);
    }
}
