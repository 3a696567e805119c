namespace Baton.Providers.Process;

/// <summary>
/// One started replica: its identity (pid and start time in clock ticks since boot) and its port. <paramref name="Rollout"/>
/// marks a replica started by a rolling update that has not finished: it runs the service's rollout inputs, not its inputs.
/// </summary>
internal sealed record ReplicaRecord(int Index, int Pid, long StartTicks, int? Port, bool Rollout = false)
{
    public bool IsAlive => ProcessIdentity.IsAlive(Pid, StartTicks);
}
