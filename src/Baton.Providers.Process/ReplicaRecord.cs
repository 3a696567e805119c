using Baton.Replicas;
using Baton.Runtime;
using Baton.Values;

namespace Baton.Providers.Process;

/// <summary>
/// One started replica: its identity (pid and start time in clock ticks since boot) and its port. <paramref name="Rollout"/>
/// marks a replica started by a rolling update that has not finished: it runs the service's rollout inputs, not its inputs.
/// <paramref name="Launch"/> names the file its wrapper writes the exit status to (null for a replica started before exit
/// statuses were recorded). <paramref name="OwnInputs"/> are the inputs it runs when they are neither the service's nor
/// its rollout's (see <see cref="IReplica{TSelf}.OwnInputs"/>).
/// </summary>
internal sealed record ReplicaRecord(int Index, int Pid, long StartTicks, int? Port, bool Rollout = false, string? Launch = null, Value? OwnInputs = null) : IReplica<ReplicaRecord>
{
    /// <summary>The start time of a replica that exited before its start time could be read: matches no process.</summary>
    public const long ExitedBeforeSeen = -1;

    public bool IsAlive => ProcessGroups.IsAlive(Pid, StartTicks);

    public ReplicaRecord WithRollout(bool rollout) => this with { Rollout = rollout };

    public ReplicaRecord WithOwnInputs(Value? inputs) => this with { OwnInputs = inputs };
}
