namespace Baton.Providers.Process;

/// <summary>One started replica: its identity (pid and start time in clock ticks since boot) and its port.</summary>
internal sealed record ReplicaRecord(int Index, int Pid, long StartTicks, int? Port)
{
    public bool IsAlive => ProcessIdentity.IsAlive(Pid, StartTicks);
}
