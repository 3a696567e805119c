using System.Security.Cryptography;
using System.Text;
using Baton.Access;
using Baton.Server.Api;
using Baton.Server.Security;
using CsCheck;

namespace Baton.Server.Tests;

/// <summary>Properties of token texts and webhook signatures, over generated inputs.</summary>
public sealed class SecurityPropertyTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly Gen<ApiRole> Role = Gen.Int[0, 2].Select(i => (ApiRole)i);

    private static readonly Gen<string?> Description = Gen.String[0, 40].Null();

    private static string Signature(byte[] key, long unix, byte[] body) =>
        $"t={unix},sha256={Convert.ToHexStringLower(HMACSHA256.HashData(key, (byte[])[.. Encoding.ASCII.GetBytes(unix + "."), .. body]))}";

    private static bool Check(string header, byte[] body, byte[] key, DateTimeOffset now, out string why)
    {
        var check = WebhookSignature.Verify(header, body, key, now);
        why = check.Why;
        return check.Valid;
    }

    [Fact]
    public void Create_ThenTryParse_GivesTheRecordsIdAndASecretThatMatches()
    {
        Gen.Select(Role, Description).Sample((role, description) =>
        {
            var (text, record) = ApiTokens.Create(role, "tester", description, Now);

            Assert.True(ApiTokens.TryParse(text, out var id, out var secret));
            Assert.Equal(record.Id, id);
            Assert.Matches("^[0-9a-f]{12}$", id);
            Assert.Equal(role, record.Role);
            Assert.Equal(description, record.Description);
            Assert.True(ApiTokens.Matches(record, secret));
            Assert.DoesNotContain(secret, record.SecretHash, StringComparison.Ordinal);
            Assert.Equal(ApiTokens.Hash(secret), record.SecretHash);
        });
    }

    [Fact]
    public void Matches_AnyChangeToTheSecret_Fails()
    {
        var (text, record) = ApiTokens.Create(ApiRole.Admin, "tester", null, Now);
        Assert.True(ApiTokens.TryParse(text, out _, out var secret));

        var replaced = Gen.Select(Gen.Int[0, secret.Length - 1], Gen.Char).Where(t => secret[t.Item1] != t.Item2)
            .Select((index, c) => secret[..index] + c + secret[(index + 1)..]);
        var inserted = Gen.Select(Gen.Int[0, secret.Length], Gen.Char).Select((index, c) => secret[..index] + c + secret[index..]);
        var removed = Gen.Int[0, secret.Length - 1].Select(index => secret[..index] + secret[(index + 1)..]);
        var truncated = Gen.Int[0, secret.Length - 1].Select(length => secret[..length]);

        Gen.OneOf(replaced, inserted, removed, truncated).Sample(changed =>
        {
            Assert.NotEqual(secret, changed);
            Assert.False(ApiTokens.Matches(record, changed));
        });
    }

    [Fact]
    public void TryParse_TextsThatAreNotTokens_AreRefused()
    {
        Gen.String[0, 60].Where(s => !(s.StartsWith("bt_", StringComparison.Ordinal) && s.Length > 16 && s.IndexOf('_', 3) == 15)).Sample(text =>
            Assert.False(ApiTokens.TryParse(text, out _, out _)));
    }

    [Fact]
    public void VerifySignature_ACorrectSignature_IsAcceptedWithinFiveMinutes()
    {
        Gen.Select(Gen.Byte.Array[32], Gen.Byte.Array[0, 300], Gen.Int[-299, 299]).Sample((key, body, skew) =>
        {
            var signed = Now.AddSeconds(skew).ToUnixTimeSeconds();

            Assert.True(Check(Signature(key, signed, body), body, key, Now, out var why), why);
        });
    }

    [Fact]
    public void VerifySignature_AnySingleByteChangeOfTheBody_IsRejected()
    {
        Gen.Select(Gen.Byte.Array[32], Gen.Byte.Array[1, 300]).SelectMany((key, body) =>
            Gen.Select(Gen.Int[0, body.Length - 1], Gen.Byte[1, 255]).Select((index, flip) => (key, body, index, flip))).Sample(t =>
        {
            var header = Signature(t.key, Now.ToUnixTimeSeconds(), t.body);
            var tampered = (byte[])t.body.Clone();
            tampered[t.index] ^= t.flip;

            Assert.True(WebhookSignature.Verify(header, t.body, t.key, Now).Valid);
            Assert.False(Check(header, tampered, t.key, Now, out var why));
            Assert.Equal("the signature does not match", why);
        });
    }

    [Fact]
    public void VerifySignature_AnotherKeyOrATimestampOutsideFiveMinutes_IsRejected()
    {
        Gen.Select(Gen.Byte.Array[32], Gen.Byte.Array[32], Gen.Byte.Array[0, 100], Gen.Int[301, 100_000], Gen.Bool).Sample((key, other, body, skew, future) =>
        {
            var stale = Now.AddSeconds(future ? skew : -skew).ToUnixTimeSeconds();

            Assert.False(WebhookSignature.Verify(Signature(key, stale, body), body, key, Now).Valid);
            if (!key.AsSpan().SequenceEqual(other))
            {
                Assert.False(WebhookSignature.Verify(Signature(other, Now.ToUnixTimeSeconds(), body), body, key, Now).Valid);
            }
        });
    }

    [Fact]
    public void Verify_TheSameSignatureSpelledAnotherWay_NamesTheSameDelivery()
    {
        Gen.Select(Gen.Byte.Array[32], Gen.Byte.Array[0, 200], Gen.Int[-299, 299], Gen.Bool, Gen.Bool).Sample((key, body, skew, upper, swapped) =>
        {
            var at = Now.AddSeconds(skew);
            var header = WebhookSignature.Sign(key, at, body);
            var parts = header.Split(',');
            var mac = parts[1]["sha256=".Length..];
            var respelled = "sha256=" + (upper ? mac.ToUpperInvariant() : mac);
            var other = swapped ? $" {respelled} , {parts[0]} " : $"{parts[0]},{respelled}";

            var original = WebhookSignature.Verify(header, body, key, Now);
            var again = WebhookSignature.Verify(other, body, key, Now);

            Assert.True(original.Valid, original.Why);
            Assert.True(again.Valid, again.Why);
            Assert.Equal(original.Delivery, again.Delivery);
            Assert.Equal(Convert.ToHexStringLower(HMACSHA256.HashData(key, (byte[])[.. Encoding.ASCII.GetBytes(parts[0][2..] + "."), .. body])), original.Delivery);
            Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(at.ToUnixTimeSeconds()) + WebhookSignature.Tolerance, original.ValidUntil);
        });
    }
}
