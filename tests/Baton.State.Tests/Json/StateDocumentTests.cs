using System.Collections.Immutable;
using System.Security.Cryptography;
using Baton.State.Tests.Contract;
using Baton.Values;

namespace Baton.State.Tests.Json;

public sealed class StateDocumentTests : IDisposable
{
    private readonly AesGcmSecretProtector _protector = new(RandomNumberGenerator.GetBytes(32));

    public void Dispose() => _protector.Dispose();

    private static StackState Sample() => StackState.Empty("app") with
    {
        Serial = 7,
        Outputs = Value.Map([new("url", Value.String("https://x")), new("token", Value.String("tok-123").AsSensitive())]),
        Resources = ImmutableSortedDictionary.CreateRange(
            StringComparer.Ordinal,
            [
                KeyValuePair.Create("web", new ResourceState
                {
                    Address = "web",
                    Type = "sim.resource",
                    Provider = "sim",
                    Id = "i-1",
                    Inputs = Value.Map([new("password", Value.String("hunter2").AsSensitive()), new("$weird", Value.Number(0.1))]),
                    Attributes = Value.Map([new("id", Value.String("i-1"))]),
                    Dependencies = ["db"],
                    Status = ResourceStatus.Tainted,
                }),
                KeyValuePair.Create("web#d1", new ResourceState
                {
                    Address = "web",
                    DeposedKey = "d1",
                    Type = "sim.resource",
                    Provider = "sim",
                    Id = "i-0",
                    Inputs = Value.EmptyMap,
                    Attributes = Value.EmptyMap,
                    Status = ResourceStatus.Deposed,
                }),
            ]),
    };

    [Fact]
    public void Export_Encrypted_RoundTripsAndHidesSecrets()
    {
        var json = StateDocument.ToJson(Sample(), _protector);
        Assert.DoesNotContain("hunter2", json, StringComparison.Ordinal);
        Assert.DoesNotContain("tok-123", json, StringComparison.Ordinal);
        AssertSame(Sample(), StateDocument.FromJson(json, _protector, "app").State);
    }

    [Fact]
    public void Export_PendingNotifications_RoundTrip()
    {
        var pending = new PendingNotification
        {
            Target = "svc[\"web1\"]",
            Verb = "restart",
            Source = "conf[\"web1\"]",
            Timing = "immediate",
            QueuedAt = new DateTimeOffset(2026, 12, 7, 10, 0, 0, 123, TimeSpan.Zero),
        };
        var state = Sample() with { Notifications = [pending] };

        var json = StateDocument.ToJson(state, _protector);

        Assert.Equal([pending], StateDocument.FromJson(json, _protector, "app").State.Notifications.AsEnumerable());
        Assert.DoesNotContain("notifications", StateDocument.ToJson(Sample(), _protector), StringComparison.Ordinal);
        var bad = json.Replace("\"immediate\"", "\"later\"", StringComparison.Ordinal);
        Assert.Equal("$.notifications[0].timing: expected delayed or immediate, not 'later'.", Assert.Throws<FormatException>(() => StateDocument.FromJson(bad, _protector, "app")).Message);
    }

    [Fact]
    public void Export_HostFacts_RoundTrip()
    {
        var facts = new HostFactsRecord
        {
            Host = "127.0.0.1:2202",
            Facts = Value.Map([new("os", Value.Map([new("family", Value.String("debian"))])), new("cpus", Value.Number(4))]),
            GatheredAt = new DateTimeOffset(2026, 12, 7, 10, 0, 0, 500, TimeSpan.Zero),
        };
        var state = Sample() with { Facts = Sample().Facts.Add(facts.Host, facts) };

        var json = StateDocument.ToJson(state, _protector);

        var read = StateDocument.FromJson(json, _protector, "app").State.Facts;
        Assert.Equal([facts.Host], read.Keys);
        Assert.Equal(facts.Facts, read[facts.Host].Facts);
        Assert.Equal(facts.GatheredAt, read[facts.Host].GatheredAt);
        Assert.DoesNotContain("\"facts\"", StateDocument.ToJson(Sample(), _protector), StringComparison.Ordinal);
        var bad = json.Replace("\"gathered_at\": \"", "\"gathered_at\": \"soon", StringComparison.Ordinal);
        Assert.StartsWith("$.facts[0].gathered_at: expected a time", Assert.Throws<FormatException>(() => StateDocument.FromJson(bad, _protector, "app")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_Plaintext_RoundTripsWithoutKey()
    {
        var json = StateDocument.ToJson(Sample(), null, plaintextSecrets: true);
        Assert.Contains("hunter2", json, StringComparison.Ordinal);
        AssertSame(Sample(), StateDocument.FromJson(json, null, "app").State);
    }

    [Fact]
    public void Import_OtherStack_RefusedUnlessAllowed()
    {
        var json = StateDocument.ToJson(Sample(), _protector);
        var error = Assert.Throws<FormatException>(() => StateDocument.FromJson(json, _protector, "prod"));
        Assert.Contains("'app'", error.Message, StringComparison.Ordinal);
        var document = StateDocument.FromJson(json, _protector, "prod", allowOtherStack: true);
        Assert.Equal("app", document.SourceStack);
        Assert.Equal("prod", document.State.Stack);
        Assert.Equal("hunter2", document.State.Resources["web"].Inputs.AsMap()["password"].AsString());
    }

    [Fact]
    public void Import_EncryptedWithoutKey_FailsClearly()
    {
        var error = Assert.Throws<FormatException>(() => StateDocument.FromJson(StateDocument.ToJson(Sample(), _protector), null, "app"));
        Assert.Contains("$.outputs", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("""{"format_version":2,"stack":"app","serial":1,"outputs":{},"resources":[]}""", "format version")]
    [InlineData("""{"format_version":1,"stack":"app","serial":-1,"outputs":{},"resources":[]}""", "$.serial")]
    [InlineData("""{"format_version":1,"stack":"app","serial":1,"outputs":[],"resources":[]}""", "$.outputs")]
    [InlineData("""{"format_version":1,"stack":"app","serial":1,"outputs":{},"resources":[{"address":"a","type":"t","provider":"p","id":"1","status":"gone","inputs":{},"attributes":{}}]}""", "$.resources[0].status")]
    [InlineData("""{"format_version":1,"stack":"app","serial":1,"outputs":{},"resources":[{"address":"a","provider":"p","id":"1","status":"ready","inputs":{},"attributes":{}}]}""", "\"type\" is missing")]
    [InlineData("""{"format_version":1,"stack":"app","serial":1,"outputs":{},"resources":[{"address":"a","type":"t","provider":"p","id":"1","status":"ready","inputs":{},"attributes":{}},{"address":"a","type":"t","provider":"p","id":"2","status":"ready","inputs":{},"attributes":{}}]}""", "appears twice")]
    [InlineData("""{"format_version":1,"stack":"app","serial":1,"outputs":{},"resources":[],"extra":1}""", "unexpected property")]
    public void Import_Invalid_FailsWithPath(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => StateDocument.FromJson(json, _protector, "app"));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private static void AssertSame(StackState expected, StackState actual)
    {
        Assert.Equal(expected.Stack, actual.Stack);
        Assert.Equal(expected.Serial, actual.Serial);
        ValueAssert.Identical(expected.Outputs, actual.Outputs);
        Assert.Equal(expected.Resources.Keys, actual.Resources.Keys);
        foreach (var (key, resource) in expected.Resources)
        {
            ValueAssert.Identical(resource, actual.Resources[key]);
        }
    }
}
