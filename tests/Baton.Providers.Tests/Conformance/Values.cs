using Baton.Values;

namespace Baton.Providers.Tests.Conformance;

/// <summary>Short ways to write values in tests.</summary>
internal static class V
{
    public static Value Map(params (string Key, object? Value)[] entries) =>
        Value.Map(entries.Select(e => new KeyValuePair<string, Value>(e.Key, Of(e.Value))));

    public static Value Of(object? value) => value switch
    {
        null => Value.Null,
        Value v => v,
        string s => Value.String(s),
        bool b => Value.Bool(b),
        int i => Value.Number(i),
        double d => Value.Number(d),
        _ => throw new ArgumentException($"No value for {value.GetType()}.", nameof(value)),
    };
}
