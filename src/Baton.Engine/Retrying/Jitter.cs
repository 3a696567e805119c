namespace Baton.Engine.Retrying;

/// <summary>Sources of the uniform draws in [0, 1) that spread retries: shared and random, or seeded for a test.</summary>
public static class Jitter
{
    /// <summary>Draws from <see cref="Random.Shared"/> (thread-safe).</summary>
    public static Func<double> Random { get; } = System.Random.Shared.NextDouble;

    /// <summary>A repeatable, thread-safe sequence of draws from <paramref name="seed"/>.</summary>
    public static Func<double> Seeded(int seed)
    {
        var random = new System.Random(seed);
        var gate = new Lock();
        return () =>
        {
            lock (gate)
            {
                return random.NextDouble();
            }
        };
    }
}
