
namespace Baton.Replicas;

/// <summary>The signals a service may be asked to stop with, by name (with or without <c>SIG</c>) and number.</summary>
public static class StopSignals
{
    /// <summary>SIGKILL, which ends a replica that did not stop in time.</summary>
    public const int Kill = 9;

    private static readonly Dictionary<string, int> Numbers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["HUP"] = 1,
        ["INT"] = 2,
        ["QUIT"] = 3,
        ["KILL"] = 9,
        ["USR1"] = 10,
        ["USR2"] = 12,
        ["TERM"] = 15,
    };

    /// <summary>The names accepted, without <c>SIG</c>.</summary>
    public static IEnumerable<string> Names => Numbers.Keys;

    /// <summary>Parses <c>TERM</c>, <c>SIGTERM</c>, <c>term</c>…; false for anything else.</summary>
    public static bool TryParse(string name, out int number)
    {
        ArgumentNullException.ThrowIfNull(name);
        var bare = name.StartsWith("SIG", StringComparison.OrdinalIgnoreCase) ? name[3..] : name;
        return Numbers.TryGetValue(bare, out number);
    }

    /// <summary>The name of signal <paramref name="number"/> with <c>SIG</c>, such as <c>SIGTERM</c>.</summary>
    public static string NameOf(int number) =>
        "SIG" + (Numbers.FirstOrDefault(pair => pair.Value == number).Key ?? throw new ArgumentOutOfRangeException(nameof(number), number, "not a stop signal")).ToUpperInvariant();
}
