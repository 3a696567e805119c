namespace Baton.Providers.Host;

/// <summary>The owner, group, mode and size <c>stat</c> reports for a path.</summary>
internal sealed record PathStat(string Owner, string Uid, string Group, string Gid, string Mode, long Size);
