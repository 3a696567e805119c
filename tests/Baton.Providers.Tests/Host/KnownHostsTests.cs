using Baton.Providers.Tests.Conformance;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Baton.Providers.Host;

namespace Baton.Providers.Tests.Host;

/// <summary>The strict host key check against known_hosts text: forms of host names, hashed entries, markers and messages.</summary>
public sealed class KnownHostsTests
{
    private static readonly byte[] Key = Blob("ssh-ed25519", 1);
    private static readonly byte[] OtherKey = Blob("ssh-ed25519", 2);
    private static readonly byte[] RsaKey = Blob("ssh-rsa", 3);

    [Theory]
    [InlineData("web.example", 22, "web.example")]
    [InlineData("web.example", 22, "[web.example]:22")]
    [InlineData("127.0.0.1", 2222, "[127.0.0.1]:2222")]
    [InlineData("WEB.example", 22, "web.example")]
    [InlineData("web.example", 22, "other,web.example")]
    [InlineData("web.example", 22, "*.example")]
    [InlineData("web1.example", 22, "web?.example")]
    [InlineData("10.0.0.5", 2200, "[10.0.0.*]:2200")]
    public void Check_MatchingEntry_Accepts(string host, int port, string hosts) =>
        Assert.Null(Parse($"{hosts} ssh-ed25519 {Convert.ToBase64String(Key)}\n").Check(host, port, Key));

    [Theory]
    [InlineData("127.0.0.1", 2222, "127.0.0.1")]
    [InlineData("127.0.0.1", 2222, "[127.0.0.1]:2223")]
    [InlineData("web.example", 22, "web.example.org")]
    [InlineData("web.example", 22, "*.example,!web.example")]
    public void Check_EntryForAnotherNameOrPort_HasNoKey(string host, int port, string hosts)
    {
        var refusal = Parse($"{hosts} ssh-ed25519 {Convert.ToBase64String(Key)}\n").Check(host, port, Key);
        Assert.NotNull(refusal);
        Assert.Contains("known_hosts has no key for", refusal, StringComparison.Ordinal);
        Assert.Contains(KnownHosts.Fingerprint(Key), refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_HashedEntry_MatchesOnlyItsName()
    {
        var salt = RandomNumberGenerator.GetBytes(20);
#pragma warning disable CA5350 // the format of OpenSSH's hashed names
        var hash = HMACSHA1.HashData(salt, Encoding.UTF8.GetBytes("[127.0.0.1]:2222"));
#pragma warning restore CA5350
        var known = Parse($"|1|{Convert.ToBase64String(salt)}|{Convert.ToBase64String(hash)} ssh-ed25519 {Convert.ToBase64String(Key)}\n");
        Assert.Null(known.Check("127.0.0.1", 2222, Key));
        Assert.NotNull(known.Check("127.0.0.1", 2223, Key));
        Assert.Equal(["ssh-ed25519"], known.KeyTypesFor("127.0.0.1", 2222));
    }

    [Fact]
    public void Check_HashedEntryFromSshKeygen_Matches()
    {
        using var directory = new TempDirectory();
        var file = directory.Combine("known_hosts");
        System.IO.File.WriteAllText(file, $"[127.0.0.1]:2222 ssh-ed25519 {Convert.ToBase64String(Key)}\n");
        Run("ssh-keygen", "-H", "-f", file);
        var hashed = System.IO.File.ReadAllText(file);
        Assert.StartsWith("|1|", hashed, StringComparison.Ordinal);
        Assert.Null(Parse(hashed).Check("127.0.0.1", 2222, Key));
    }

    [Fact]
    public void Check_DifferentKey_IsAMismatchNamingBothFingerprints()
    {
        var refusal = Parse($"[h]:2222 ssh-ed25519 {Convert.ToBase64String(Key)}\n").Check("h", 2222, OtherKey);
        Assert.NotNull(refusal);
        Assert.Contains("HOST KEY MISMATCH for [h]:2222", refusal, StringComparison.Ordinal);
        Assert.Contains(KnownHosts.Fingerprint(Key), refusal, StringComparison.Ordinal);
        Assert.Contains(KnownHosts.Fingerprint(OtherKey), refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_SameBase64UnderAnotherType_IsAMismatch()
    {
        var known = Parse($"h ssh-rsa {Convert.ToBase64String(RsaKey)}\n");
        Assert.Contains("MISMATCH", known.Check("h", 22, Key)!, StringComparison.Ordinal);
        Assert.Null(known.Check("h", 22, RsaKey));
    }

    [Fact]
    public void Check_RevokedKey_IsRefusedEvenWithAGoodLine()
    {
        var b64 = Convert.ToBase64String(Key);
        var refusal = Parse($"h ssh-ed25519 {b64}\n@revoked h ssh-ed25519 {b64}\n").Check("h", 22, Key);
        Assert.Contains("@revoked", refusal!, StringComparison.Ordinal);
    }

    [Fact]
    public void Fingerprint_IsWhatSshKeygenPrints()
    {
        using var directory = new TempDirectory();
        var file = directory.Combine("key");
        Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", file);
        var line = System.IO.File.ReadAllText(file + ".pub").Split(' ');
        var printed = Run("ssh-keygen", "-l", "-E", "sha256", "-f", file + ".pub").Split(' ')[1];
        Assert.Equal(printed, KnownHosts.Fingerprint(Convert.FromBase64String(line[1])));
        Assert.Equal("ssh-ed25519", KnownHosts.KeyType(Convert.FromBase64String(line[1])));
    }

    [Theory]
    [InlineData("h ssh-ed25519")]
    [InlineData("h ssh-ed25519 not*base64")]
    [InlineData("h ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIAECAwQ=")]
    public void TryParse_MalformedLine_SaysWhichLine(string line)
    {
        Assert.False(KnownHosts.TryParse($"# comment\n\n{line}\n", out _, out var error));
        Assert.StartsWith("line 3:", error, StringComparison.Ordinal);
    }

    private static KnownHosts Parse(string text)
    {
        Assert.True(KnownHosts.TryParse(text, out var known, out var error), error);
        return known;
    }

    /// <summary>A public key blob of <paramref name="type"/>: the SSH string of its name, then made-up key bytes.</summary>
    private static byte[] Blob(string type, byte seed)
    {
        var name = Encoding.ASCII.GetBytes(type);
        var body = Enumerable.Range(0, 32).Select(i => (byte)(i * seed + seed)).ToArray();
        return [0, 0, 0, (byte)name.Length, .. name, 0, 0, 0, (byte)body.Length, .. body];
    }

    private static string Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} failed: {error}");
        return output;
    }
}
