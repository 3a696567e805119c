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

    /// <summary>
    /// Why the backup at <paramref name="path"/> cannot be restored: not a whole SQLite file, fails SQLite's
    /// <c>PRAGMA integrity_check</c>, or is not a Baton state of a version this Baton reads. Null when it can be.
    /// Opens the file read-only.
    /// </summary>
    public static string? Verify(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Verify(Path.GetFullPath(path), SqliteOpenMode.ReadOnly, clearLocks: false);
    }

    /// <summary>
    /// Puts the state back from <paramref name="from"/>, or else from the newest backup that verifies, while nothing
    /// holds the state: no store has it open (the lock file beside it) and no stack lock in it is
    /// <paramref name="isLive"/>. The backup is copied beside the state file and checked there; the file it replaces
    /// (with its write-ahead log) is kept as <c>state.db.corrupt-TIME</c>, never deleted; then the copy is renamed into
    /// place. Stack locks in the copy are dropped: nothing can hold them. Throws <see cref="StateFileException"/> when
    /// the state is held or no backup verifies, having changed nothing.
    /// </summary>
    public StateRestore Restore(string? from, Func<StackLock, bool> isLive)
    {
        ArgumentNullException.ThrowIfNull(isLive);
        using var alone = StateFile.HoldAlone(DatabasePath);
        RefuseWhileLocked(isLive);
        IReadOnlyList<StateBackup> candidates = from is null ? List() : [Describe(Path.GetFullPath(from))];
        if (candidates.Count == 0)
        {
            throw new StateFileException(
                DatabasePath,
                $"there is no backup of the state file {DatabasePath} in {Directory}",
                "a backup is written after each apply, destroy, import or rm that changes the state; to restore a copy kept elsewhere, name it with --from FILE");
        }

        var skipped = new List<KeyValuePair<string, string>>();
        var directory = Path.GetDirectoryName(DatabasePath)!;
        foreach (var candidate in candidates)
        {
            var temporary = Path.Combine(directory, $".{Path.GetFileName(DatabasePath)}.{Environment.ProcessId}.{Guid.NewGuid():N}.restore");
            try
            {
                string? problem;
                try
                {
                    File.Copy(candidate.Path, temporary);
                    problem = Verify(temporary, SqliteOpenMode.ReadWrite, clearLocks: true)?.Replace(temporary, candidate.Path, StringComparison.Ordinal);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    problem = $"{candidate.Path} cannot be read: {ex.Message}";
                }

                if (problem is not null)
                {
                    skipped.Add(new(candidate.Path, problem));
                    continue;
                }

                StateFile.FlushToDisk(temporary);
                var aside = SetAside();
                File.Move(temporary, DatabasePath, overwrite: false);
                return new StateRestore { Backup = candidate, SetAside = aside, Skipped = skipped };
            }
            finally
            {
                foreach (var leftover in (string[])[temporary, temporary + "-journal", temporary + "-wal", temporary + "-shm"])
                {
                    File.Delete(leftover);
                }
            }
        }

        if (from is not null)
        {
            throw new StateFileException(DatabasePath, $"the backup {skipped[0].Key} cannot be restored: {skipped[0].Value}", "name another backup: baton state restore --list shows them and whether each verifies");
        }

        throw new StateFileException(
            DatabasePath,
            $"no backup of the state file {DatabasePath} verifies ({candidates.Count} in {Directory}; the newest: {skipped[0].Value})",
            "restore a copy kept elsewhere with --from FILE");
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

    private static string? Verify(string path, SqliteOpenMode mode, bool clearLocks)
    {
        try
        {
            var file = new FileInfo(path);
            if (!file.Exists)
            {
                return $"{path} does not exist";
            }

            StateFile.CheckHeader(path, file.Length);
            using var connection = new SqliteConnection(StateFile.ConnectionString(path, mode));
            connection.Open();
            var integrity = new List<string>();
            using (var check = connection.CreateCommand())
            {
                check.CommandText = "PRAGMA integrity_check(5)";
                using var row = check.ExecuteReader();
                while (row.Read())
                {
                    integrity.Add(row.GetString(0));
                }
            }

            if (integrity is not ["ok"])
            {
                return $"{path} fails SQLite's integrity check: {string.Join("; ", integrity)}";
            }

            if (SqliteSchema.Problem(connection) is { } problem)
            {
                return $"{path} is not a Baton state this Baton reads: {problem}";
            }

            if (clearLocks)
            {
                // The copy was taken while an apply held its stack's lock; restored, nothing holds it any more (the
                // restore runs only while nothing has the state open), and its holder would otherwise wait out the lease.
                using var command = connection.CreateCommand();
                command.CommandText = "DELETE FROM locks; PRAGMA journal_mode=DELETE;";
                command.ExecuteNonQuery();
            }

            return null;
        }
        catch (StateFileException ex)
        {
            return ex.Message;
        }
        catch (SqliteException ex)
        {
            return $"{path} cannot be read: SQLite says \"{StateFile.Reason(ex)}\"";
        }
    }

    private static StateBackup Describe(string path)
    {
        var file = new FileInfo(path);
        return new StateBackup { Path = path, TakenAt = file.Exists ? file.LastWriteTimeUtc : DateTimeOffset.MinValue, Length = file.Exists ? file.Length : 0 };
    }

    /// <summary>Refuses while a stack lock in the current state (when it reads at all) is held by someone alive.</summary>
    private void RefuseWhileLocked(Func<StackLock, bool> isLive)
    {
        var locks = new List<StackLock>();
        try
        {
            if (!StateFile.Exists(DatabasePath))
            {
                return;
            }

            using var connection = new SqliteConnection(StateFile.ConnectionString(DatabasePath, SqliteOpenMode.ReadWrite));
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT lock_id, owner, operation, fencing_token, acquired_at, expires_at, stack FROM locks WHERE expires_at > $now";
            command.Parameters.AddWithValue("$now", Codec.Time(_time.GetUtcNow()));
            using var row = command.ExecuteReader();
            while (row.Read())
            {
                locks.Add(SqliteDatabase.LockFrom(row, row.GetString(6)));
            }
        }
        catch (Exception ex) when (ex is StateFileException or SqliteException or InvalidCastException)
        {
            // The state does not read: whatever it says about locks cannot hold anyone up.
            return;
        }

        if (locks.FirstOrDefault(isLive) is { } held)
        {
            throw new StateFileException(
                DatabasePath,
                $"stack \"{held.Stack}\" in the state file {DatabasePath} is locked by {held.Owner} for {held.Operation} until {held.ExpiresAt:u}: a restore now would pull the state from under it",
                $"wait for it to finish; if that process is gone for good, remove its lock with: baton force-unlock {held.LockId}");
        }
    }

    /// <summary>Moves the current state file and its log aside as <c>state.db.corrupt-TIME</c>; returns where, or null when there was nothing.</summary>
    private string? SetAside()
    {
        var aside = $"{DatabasePath}.corrupt-{_time.GetUtcNow().UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)}";
        var moved = false;
        foreach (var suffix in (string[])["", "-wal", "-shm"])
        {
            if (File.Exists(DatabasePath + suffix))
            {
                File.Move(DatabasePath + suffix, aside + suffix, overwrite: false);
                moved = true;
            }
        }

        return moved ? aside : null;
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
