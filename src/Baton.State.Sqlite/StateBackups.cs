using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Baton.State.Sqlite;

/// <summary>
/// Rolling backups of one state file: <c>backups/state-&lt;UTC time&gt;.db</c> beside it, each a whole SQLite database
/// (rollback journal, no log beside it) copied with SQLite's online backup API, so it is consistent while others write.
/// Each is written to a temporary file in the same directory, flushed to disk, then renamed, so a backup that exists is
/// whole; only the newest <see cref="Keep"/> are kept.
/// </summary>
public sealed class StateBackups
{
    /// <summary>How many backups are kept unless told otherwise.</summary>
    public const int DefaultKeep = 10;

    /// <summary>The directory, beside the state file, that backups go to unless told otherwise.</summary>
    public const string DefaultDirectoryName = "backups";

    private const string TimeFormat = "yyyyMMdd'T'HHmmssfffffff'Z'";

    private readonly TimeProvider _time;
    private readonly int _keep = DefaultKeep;

    /// <summary>Backups of the state file at <paramref name="databasePath"/>, timed by <paramref name="time"/>.</summary>
    public StateBackups(string databasePath, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        ArgumentNullException.ThrowIfNull(time);
        DatabasePath = Path.GetFullPath(databasePath);
        Directory = Path.Combine(Path.GetDirectoryName(DatabasePath)!, DefaultDirectoryName);
        Prefix = Path.GetFileNameWithoutExtension(DatabasePath) + "-";
        _time = time;
    }

    /// <summary>The state file backed up.</summary>
    public string DatabasePath { get; }

    /// <summary>Where the backups go (default: <see cref="DefaultDirectoryName"/> beside the state file).</summary>
    public string Directory { get; init; }

    /// <summary>How many backups to keep, at least 1 (default <see cref="DefaultKeep"/>); older ones are deleted.</summary>
    public int Keep
    {
        get => _keep;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _keep = value;
        }
    }

    /// <summary>
    /// Hears of a backup that could not be written (a full disk, a directory not writable). The write that asked for
    /// it has happened all the same: a backup is never a reason to fail it.
    /// </summary>
    public Action<Exception>? Failed { get; init; }

    private string Prefix { get; }

    /// <summary>The backups there are, newest first.</summary>
    public IReadOnlyList<StateBackup> List()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var found = new List<StateBackup>();
        foreach (var file in new DirectoryInfo(Directory).EnumerateFiles(Prefix + "*.db"))
        {
            var stamp = file.Name[Prefix.Length..^".db".Length];
            if (DateTimeOffset.TryParseExact(stamp, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
            {
                found.Add(new StateBackup { Path = file.FullName, TakenAt = at, Length = file.Length });
            }
        }

        return [.. found.OrderByDescending(b => b.TakenAt).ThenByDescending(b => b.Path, StringComparer.Ordinal)];
    }

    /// <summary>Backs up the database <paramref name="source"/> is open on, then deletes all but the newest <see cref="Keep"/>.</summary>
    internal StateBackup Write(SqliteConnection source)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var at = _time.GetUtcNow().ToUniversalTime();
        string path;
        while (File.Exists(path = PathAt(at)))
        {
            at = at.AddTicks(1);
        }

        var temporary = Path.Combine(Directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var target = new SqliteConnection(StateFile.ConnectionString(temporary, SqliteOpenMode.ReadWriteCreate)))
            {
                target.Open();
                source.BackupDatabase(target);

                // The copy takes the source's write-ahead-log mode; a backup is one file that can be copied as it is.
                using var journal = target.CreateCommand();
                journal.CommandText = "PRAGMA journal_mode=DELETE";
                journal.ExecuteScalar();
            }

            StateFile.FlushToDisk(temporary);
            File.Move(temporary, path, overwrite: false);
        }
        finally
        {
            foreach (var leftover in (string[])[temporary, temporary + "-journal", temporary + "-wal", temporary + "-shm"])
            {
                File.Delete(leftover);
            }
        }

        Prune();
        return new StateBackup { Path = path, TakenAt = at, Length = new FileInfo(path).Length };
    }

    private string PathAt(DateTimeOffset at) =>
        Path.Combine(Directory, Prefix + at.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture) + ".db");

    private void Prune()
    {
        foreach (var old in List().Skip(Keep))
        {
            try
            {
                File.Delete(old.Path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Another process pruning at the same time, or a file in use: the next backup tries again.
            }
        }
    }
}
