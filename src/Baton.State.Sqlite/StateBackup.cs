namespace Baton.State.Sqlite;

/// <summary>One backup of a state file, as <see cref="StateBackups.List"/> finds it.</summary>
public sealed record StateBackup
{
    /// <summary>The backup file.</summary>
    public required string Path { get; init; }

    /// <summary>When it was taken (from its name, UTC).</summary>
    public required DateTimeOffset TakenAt { get; init; }

    /// <summary>Its length in bytes.</summary>
    public required long Length { get; init; }
}
