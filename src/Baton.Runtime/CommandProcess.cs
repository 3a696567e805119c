
namespace Baton.Runtime;

/// <summary>
/// A command's process as <see cref="CommandRunner"/> started it: its pid, which is also the id of the session and
/// process group the command and everything it starts run in, and its start time, so that a pid the kernel has since
/// given to another process is never taken for it (see <see cref="ProcessGroups"/>).
/// </summary>
/// <param name="Pid">The process id (the group's and the session's id too).</param>
/// <param name="StartTicks">When it started: field 22 of <c>/proc/PID/stat</c>, in clock ticks since boot.</param>
public sealed record CommandProcess(int Pid, long StartTicks);
