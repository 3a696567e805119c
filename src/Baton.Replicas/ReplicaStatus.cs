
namespace Baton.Replicas;

/// <summary>Whether a replica runs, and the status it exited with when it does not (null when not known).</summary>
/// <param name="Alive">Whether it runs.</param>
/// <param name="ExitCode">The exit status of a replica that exited (128 + N after signal N), when known.</param>
public readonly record struct ReplicaStatus(bool Alive, int? ExitCode)
{
    /// <summary>Running.</summary>
    public static ReplicaStatus Running { get; } = new(true, null);

    /// <summary>Gone, status unknown.</summary>
    public static ReplicaStatus Gone { get; } = new(false, null);
}
