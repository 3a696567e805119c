using Baton.Providers.Http;
using Baton.Providers.Tests.Conformance;
using Baton.Values;

namespace Baton.Providers.Tests.Http;

/// <summary>Starts http providers and builds requests for them.</summary>
internal static class HttpFixture
{
    public static async Task<IProvider> StartAsync(params (string Key, object? Value)[] settings) =>
        await new HttpProviderFactory().StartAsync(Configuration(settings));

    public static ProviderConfiguration Configuration(params (string Key, object? Value)[] settings) => new()
    {
        InstanceName = "http",
        Settings = V.Map(settings),
        StackDirectory = Path.GetTempPath(),
        StateDirectory = Path.GetTempPath(),
    };

    public static CreateRequest Create(Value inputs) => new()
    {
        Type = "http.check",
        Address = "http.check.web",
        Inputs = inputs,
        IdempotencyKey = "op-" + Guid.NewGuid().ToString("N"),
    };

    public static InvokeRequest Invoke(Value inputs) => new()
    {
        Action = "http.request",
        Inputs = inputs,
        IdempotencyKey = "run/step/1",
    };

    public static Value Attr(Value attributes, string name) => attributes.AsMap()[name];
}
