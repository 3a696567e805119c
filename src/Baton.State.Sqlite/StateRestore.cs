namespace Baton.State.Sqlite;

/// <summary>What <see cref="StateBackups.Restore"/> did.</summary>
public sealed record StateRestore
{
    /// <summary>The backup the state was restored from.</summary>
    public required StateBackup Backup { get; init; }

    /// <summary>Where the file it replaced was kept (<c>state.db.corrupt-TIME</c>); null when there was none.</summary>
    public string? SetAside { get; init; }

    /// <summary>Newer backups passed over because they do not verify, each with why.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Skipped { get; init; }
}
