using System.Security.Cryptography;
using System.Text.Json;
using Baton.State.Tests.Contract;
using Baton.Values;
using CsCheck;

namespace Baton.State.Tests.Json;

public sealed class ValueJsonTests : IDisposable
{
    private const string Context = "app\u001fweb\u001finputs";
    private readonly AesGcmSecretProtector _protector = new(RandomNumberGenerator.GetBytes(32));

    public void Dispose() => _protector.Dispose();

    [Fact]
    public void RoundTrip_RandomValues_Encrypted_Identical() =>
        ValueGenerators.AnyValue().Sample(value =>
            ValueAssert.Identical(value, ValueJson.Parse(ValueJson.ToUtf8(value, _protector, Context), _protector, Context)));

    [Fact]
    public void RoundTrip_RandomValues_Plaintext_Identical() =>
        ValueGenerators.AnyValue().Sample(value =>
            ValueAssert.Identical(value, ValueJson.Parse(ValueJson.ToJson(value, null, Context, plaintextSecrets: true), null, Context)));

    [Fact]
    public void RedactedForm_WritesNoSecretAndNoUnknown()
    {
        var value = Value.Map([new("pw", Value.String("hunter2").AsSensitive()), new("id", Value.Unknown(BatonType.String)), new("n", Value.Number(3))]);
        Assert.Equal("""{"id":"(known after apply)","n":3,"pw":"(sensitive)"}""", ValueJson.ToJson(value, ValueJsonOptions.Redacted));
    }

    [Fact]
    public void PlainForm_DropsMarks_KeepsDollarKeys_AndReadsMarkersAsData()
    {
        var value = Value.Map([new("$k", Value.String("s").AsSensitive())]);
        var json = ValueJson.ToJson(value, ValueJsonOptions.Plain);
        Assert.Equal("""{"$k":"s"}""", json);
        var back = ValueJson.Parse("""{"$sensitive":1}""", ValueJsonOptions.Plain);
        Assert.False(back.ContainsSensitive);
        Assert.Equal(1, back.AsMap()["$sensitive"].AsNumber());
        Assert.Throws<InvalidOperationException>(() => ValueJson.ToJson(Value.Unknown(BatonType.Number), ValueJsonOptions.Plain));
    }

    [Fact]
    public void PlainForm_NumberTooLarge_IsAJsonErrorNamingWhere()
    {
        var error = Assert.Throws<JsonException>(() => ValueJson.Parse("""{"a":[1,1e400]}""", ValueJsonOptions.Plain));
        Assert.Contains("/a/1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1e15, "1000000000000000")]
    [InlineData(-42, "-42")]
    [InlineData(1e300, "1E+300")]
    [InlineData(0.5, "0.5")]
    public void Numbers_IntegersWithoutExponent(double number, string expected) =>
        Assert.Equal(expected, ValueJson.ToJson(Value.Number(number), ValueJsonOptions.Plain));

    [Theory]
    [InlineData(1e300)]
    [InlineData(0.1)]
    [InlineData(-0.0)]
    [InlineData(9007199254740993.0)]
    [InlineData(double.MaxValue)]
    [InlineData(double.Epsilon)]
    [InlineData(-123.456e-7)]
    public void Number_RoundTripsBitForBit(double number)
    {
        var value = Value.Number(number);
        ValueAssert.Identical(value, ValueJson.Parse(ValueJson.ToJson(value, null, Context), null, Context));
    }

    [Fact]
    public void MapKeyStartingWithDollar_IsEscapedNotTakenForMarker()
    {
        var value = Value.Map([new("$sensitive", Value.String("x")), new("$$", Value.Number(1)), new("a$", Value.True)]);
        var json = ValueJson.ToJson(value, null, Context);
        Assert.Equal("""{"$$$":1,"$$sensitive":"x","a$":true}""", json);
        var back = ValueJson.Parse(json, null, Context);
        ValueAssert.Identical(value, back);
        Assert.False(back.AsMap()["$sensitive"].IsSensitive);
    }

    [Fact]
    public void SensitiveSubtree_IsWrittenAsEnvelope()
    {
        var value = Value.Map([new("pw", Value.String("hunter2").AsSensitive())]);
        var json = ValueJson.ToJson(value, _protector, Context);
        Assert.DoesNotContain("hunter2", json, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json);
        Assert.Equal(JsonValueKind.String, document.RootElement.GetProperty("pw").GetProperty("$sensitive").ValueKind);
    }

    [Fact]
    public void SensitiveValue_WithoutProtector_IsRefused()
    {
        var value = Value.String("x").AsSensitive();
        Assert.Throws<InvalidOperationException>(() => ValueJson.ToJson(value, null, Context));
        var encrypted = ValueJson.ToJson(value, _protector, Context);
        Assert.Throws<InvalidOperationException>(() => ValueJson.Parse(encrypted, null, Context));
    }

    [Fact]
    public void Ciphertext_MovedToAnotherPathOrPlace_FailsToDecrypt()
    {
        var json = ValueJson.ToJson(Value.Map([new("a", Value.String("secret").AsSensitive()), new("b", Value.Null)]), _protector, Context);
        using var document = JsonDocument.Parse(json);
        var envelope = document.RootElement.GetProperty("a").GetRawText();
        var moved = $$"""{"a":null,"b":{{envelope}}}""";
        Assert.ThrowsAny<CryptographicException>(() => ValueJson.Parse(moved, _protector, Context));
        Assert.ThrowsAny<CryptographicException>(() => ValueJson.Parse(json, _protector, "app\u001fother\u001finputs"));
    }

    [Fact]
    public void UnknownValue_IsRefused() =>
        Assert.Throws<InvalidOperationException>(() => ValueJson.ToJson(Value.List(Value.Unknown(BatonType.String)), null, Context));

    [Fact]
    public void LoneSurrogate_IsRefusedRatherThanAltered() =>
        Assert.Throws<ArgumentException>(() => ValueJson.ToJson(Value.String("a\uD800b"), null, Context));

    [Theory]
    [InlineData("""{"$x":1}""")]
    [InlineData("""{"a":1,"a":2}""")]
    [InlineData("""{"$sensitive":{"plaintext":1},"b":2}""")]
    [InlineData("""{"$sensitive":5}""")]
    [InlineData("1e999")]
    [InlineData("[1,")]
    [InlineData("1 2")]
    public void MalformedJson_IsRefused(string json) =>
        Assert.ThrowsAny<Exception>(() => ValueJson.Parse(json, _protector, Context));
}
