using Baton.Server.Security;
using CsCheck;

namespace Baton.Server.Tests;

/// <summary>The login form's return-address check, against what a browser would make of the address.</summary>
public sealed class LocalRedirectTests
{
    private static readonly Uri Site = new("https://baton.example:8443/");

    // Characters that matter to how a browser reads a URL, weighted towards the dangerous ones, plus any char at all.
    private static readonly Gen<char> UrlChar = Gen.Frequency(
        (6, Gen.Char["abcxyz019.-_~"]),
        (4, Gen.Const('/')),
        (2, Gen.Char["\\\t\n\r :@?#%"]),
        (1, Gen.Char));

    private static readonly Gen<string> Candidate = Gen.Frequency(
        (3, UrlChar.Array[0, 16].Select(cs => "/" + new string(cs))),
        (1, UrlChar.Array[0, 16].Select(cs => new string(cs))));

    /// <summary>
    /// Where a browser goes for <paramref name="location"/> on <see cref="Site"/>, following the URL standard's
    /// preprocessing: leading and trailing C0 controls and spaces are dropped, tabs and newlines removed anywhere, and a
    /// backslash is read as a slash in an http(s) URL.
    /// </summary>
    private static Uri? Resolve(string location)
    {
        var cleaned = location.Trim(Enumerable.Range(0, 0x21).Select(i => (char)i).ToArray()).Replace("\t", "", StringComparison.Ordinal)
            .Replace("\n", "", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal).Replace('\\', '/');
        return Uri.TryCreate(Site, cleaned, out var target) ? target : null;
    }

    [Theory]
    [InlineData("/\t/evil.example")]
    [InlineData("/\n/evil.example")]
    [InlineData("/\r\n/evil.example")]
    [InlineData("//evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("\\\\evil.example")]
    [InlineData("https://evil.example/")]
    [InlineData("javascript:alert(1)")]
    [InlineData(" /stacks")]
    [InlineData("/stacks x")]
    [InlineData("/stacks\u00a0x")]
    [InlineData("/st\u0000acks")]
    [InlineData("/ок")]
    [InlineData("")]
    [InlineData(null)]
    public void IsLocalPath_Refuses(string? url) => Assert.False(LocalRedirect.IsLocalPath(url));

    [Theory]
    [InlineData("/")]
    [InlineData("/ok/path?x=1")]
    [InlineData("/stacks/web/runs#latest")]
    [InlineData("/stacks/%D0%BE%D0%BA")]
    public void IsLocalPath_Accepts(string url) => Assert.True(LocalRedirect.IsLocalPath(url));

    [Fact]
    public void IsLocalPath_TooLong_IsRefused()
    {
        Assert.True(LocalRedirect.IsLocalPath("/" + new string('a', LocalRedirect.MaxLength - 1)));
        Assert.False(LocalRedirect.IsLocalPath("/" + new string('a', LocalRedirect.MaxLength)));
    }

    [Fact]
    public void EveryAcceptedAddress_StaysOnTheSite()
    {
        Candidate.Sample(
            url =>
            {
                if (LocalRedirect.IsLocalPath(url))
                {
                    var target = Resolve(url);
                    Assert.NotNull(target);
                    Assert.Equal(Site.Scheme, target.Scheme);
                    Assert.Equal(Site.Authority, target.Authority);
                }
            },
            iter: 20_000);
    }

    [Fact]
    public void EveryPathOfVisibleCharacters_IsAccepted()
    {
        var segment = Gen.Char["abcXYZ019.-_~%!$&'()*+,;=:@"].Array[1, 12].Select(cs => new string(cs));
        var query = Gen.Char["abc019=&%+"].Array[0, 10].Select(cs => cs.Length == 0 ? "" : "?" + new string(cs));
        Gen.Select(segment.Array[0, 5], query).Sample((segments, q) =>
        {
            var path = "/" + string.Join('/', segments) + q;
            Assert.True(LocalRedirect.IsLocalPath(path), path);
        });
    }
}
