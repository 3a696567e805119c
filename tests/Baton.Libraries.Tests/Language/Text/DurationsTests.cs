using Baton.Text;
using CsCheck;

namespace Baton.Libraries.Tests.Language.Text;

public sealed class DurationsTests
{
    [Theory]
    [InlineData("150ms", 150)]
    [InlineData("2s", 2_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("1d", 86_400_000)]
    [InlineData("1d2h3m4s5ms", 93_784_005)]
    [InlineData("90", 90_000)]
    [InlineData("2.5", 2_500)]
    [InlineData(" 2s ", 2_000)]
    [InlineData("0", 0)]
    public void TryParse_Valid_GivesMilliseconds(string text, long milliseconds)
    {
        Assert.True(Durations.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("-1s")]
    [InlineData("-5")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("abc")]
    [InlineData("5x")]
    [InlineData("5 s")]
    [InlineData("1h30")]
    [InlineData("ms")]
    [InlineData("2S")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1e300")]
    public void TryParse_Invalid_IsFalse(string text)
    {
        Assert.False(Durations.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.Zero, duration);
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(250, "250ms")]
    [InlineData(5_400_000, "1h30m")]
    [InlineData(93_784_005, "1d2h3m4s5ms")]
    [InlineData(60_000, "1m")]
    public void Format_Duration_WritesStackFileSyntax(long milliseconds, string expected) =>
        Assert.Equal(expected, Durations.Format(TimeSpan.FromMilliseconds(milliseconds)));

    [Fact]
    public void Format_ThenTryParse_RoundTripsWholeMilliseconds() =>
        Gen.Long[0, 1000L * 86_400_000].Sample(milliseconds =>
        {
            var duration = TimeSpan.FromMilliseconds(milliseconds);
            return Durations.TryParse(Durations.Format(duration), out var parsed) && parsed == duration;
        });

    [Fact]
    public void ParseOrDefault_BadOrMissing_GivesFallback()
    {
        Assert.Equal(TimeSpan.FromSeconds(7), Durations.ParseOrDefault(null, TimeSpan.FromSeconds(7)));
        Assert.Equal(TimeSpan.FromSeconds(7), Durations.ParseOrDefault("soon", TimeSpan.FromSeconds(7)));
        Assert.Null(Durations.ParseOrDefault("soon"));
        Assert.Equal(TimeSpan.FromSeconds(2), Durations.ParseOrDefault("2s"));
    }
}
