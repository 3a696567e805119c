using System.Buffers.Binary;
using Microsoft.Data.Sqlite;

namespace Baton.State.Sqlite;

/// <summary>
/// The state file on disk, before and around SQLite: only a missing file is a new state. An empty, truncated or foreign
/// file is refused with what to do, and a new state appears whole (made beside the path, then renamed into place), so a
/// file that exists is never a half-made state that could pass for an empty one.
/// </summary>
internal static class StateFile
{
    /// <summary>The length of the SQLite file header.</summary>
    public const int HeaderSize = 100;

    private const int SqliteCorrupt = 11;
    private const int SqliteNotADatabase = 26;

    private static ReadOnlySpan<byte> Magic => "SQLite format 3\0"u8;

    /// <summary>A connection string for <paramref name="path"/> without pooling, so a closed connection lets go of the file.</summary>
    public static string ConnectionString(string path, SqliteOpenMode mode) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = mode,
        Pooling = false,
        DefaultTimeout = 60,
    }.ToString();

    /// <summary>
    /// Whether a state is at <paramref name="path"/>: false only when there is no file (and no write-ahead log left of
    /// one). Throws <see cref="StateFileException"/> when what is there cannot be a state: empty, not SQLite, truncated.
    /// </summary>
    public static bool Exists(string path)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            if (HasLog(path))
            {
                throw new StateFileException(
                    path,
                    $"the state file {path} is missing, but its write-ahead log {path}-wal is still there",
                    $"the last changes of the state are in that log, and a new state would take them in: {RestoreHelp(path)}; delete {path}-wal as well only if you really mean to start afresh");
            }

            return false;
        }

        CheckHeader(path, file.Length);
        return true;
    }

    /// <summary>Throws <see cref="StateFileException"/> unless the file starts with a whole SQLite header and is as long as it says.</summary>
    public static void CheckHeader(string path, long length)
    {
        if (length == 0)
        {
            throw new StateFileException(
                path,
                $"the state file {path} is empty (0 bytes): it is not a new state, and planning from it would create again every resource the stack already has",
                RestoreHelp(path));
        }

        Span<byte> header = stackalloc byte[HeaderSize];
        int read;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            read = stream.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false);
        }

        if (read < Magic.Length || !header[..Magic.Length].SequenceEqual(Magic))
        {
            throw new StateFileException(path, $"the state file {path} is not a SQLite database (it does not start with the SQLite header)", RestoreHelp(path));
        }

        if (read < HeaderSize)
        {
            throw new StateFileException(path, $"the state file {path} is truncated: it ends after {read} bytes, inside the {HeaderSize}-byte SQLite header", RestoreHelp(path));
        }

        var rawPageSize = BinaryPrimitives.ReadUInt16BigEndian(header[16..]);
        var pageSize = rawPageSize == 1 ? 65536 : rawPageSize;
        if (pageSize < 512 || (pageSize & (pageSize - 1)) != 0)
        {
            throw new StateFileException(path, $"the state file {path} is damaged: its header gives a page size of {rawPageSize} bytes", RestoreHelp(path));
        }

        // The page count at offset 28 holds only while the change counter (24) equals the "version valid for" (92).
        // With a write-ahead log on disk the file may lag its header until the log is checkpointed, so only a file
        // without one is held to its count.
        var pages = BinaryPrimitives.ReadUInt32BigEndian(header[28..]);
        var countHolds = header.Slice(24, 4).SequenceEqual(header.Slice(92, 4));
        if (countHolds && pages > 0 && !HasLog(path) && length < (long)pages * pageSize)
        {
            throw new StateFileException(
                path,
                $"the state file {path} is truncated: its header counts {pages} pages of {pageSize} bytes ({(long)pages * pageSize} bytes), but the file has {length}",
                RestoreHelp(path));
        }
    }

    /// <summary>Makes a new, empty state at <paramref name="path"/>: built in a file beside it, flushed, then renamed into place.</summary>
    public static void Create(string path)
    {
        var directory = Path.GetDirectoryName(path)!;
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.new");
        try
        {
            using (var connection = new SqliteConnection(ConnectionString(temporary, SqliteOpenMode.ReadWriteCreate)))
            {
                connection.Open();
                SqliteSchema.Create(connection);
            }

            FlushToDisk(temporary);
            try
            {
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process made the state first: that one is the state, this one is discarded.
            }
        }
        finally
        {
            File.Delete(temporary);
            File.Delete(temporary + "-journal");
        }
    }

    /// <summary>
    /// Holds the state open for this store: a shared lock (<c>flock</c>) on <c>PATH.lock</c> for as long as the stream
    /// lives, so <see cref="HoldAlone"/> knows someone has the state open. Throws <see cref="StateFileException"/> while
    /// a restore holds it.
    /// </summary>
    public static FileStream HoldShared(string path)
    {
        try
        {
            // FileShare other than None takes a shared lock on Unix; a restore's FileShare.None takes the exclusive one.
            return new FileStream(LockPath(path), FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (IOException ex) when (File.Exists(LockPath(path)))
        {
            throw new StateFileException(path, $"the state file {path} is being restored by another process", "try again once `baton state restore` has finished", ex);
        }
    }

    /// <summary>
    /// Holds the state alone, for a restore: the exclusive lock on <c>PATH.lock</c>. Throws
    /// <see cref="StateFileException"/> while any store (a command, a worker, <c>baton serve</c>) has the state open.
    /// </summary>
    public static FileStream HoldAlone(string path)
    {
        try
        {
            return new FileStream(LockPath(path), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex) when (File.Exists(LockPath(path)))
        {
            throw new StateFileException(
                path,
                $"the state file {path} is open in another process (baton serve, a worker, or a command still running)",
                "stop it first: a restore under it would leave it writing to the file set aside",
                ex);
        }
    }

    /// <summary>The lock file beside the state that says who has it open.</summary>
    public static string LockPath(string path) => path + ".lock";

    /// <summary>Writes what the operating system holds of <paramref name="path"/> to the disk.</summary>
    public static void FlushToDisk(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Whether SQLite found the file damaged or not a database.</summary>
    public static bool IsDamage(SqliteException exception) =>
        (exception.SqliteErrorCode & 0xff) is SqliteCorrupt or SqliteNotADatabase;

    /// <summary>The error for a file SQLite found damaged.</summary>
    public static StateFileException Damaged(string path, SqliteException exception) =>
        new(path, $"the state file {path} is damaged: SQLite says \"{Reason(exception)}\"", RestoreHelp(path), exception);

    /// <summary>The error for a SQLite database that is not a Baton state.</summary>
    public static StateFileException NotAState(string path, string detail) =>
        new(path, $"the state file {path} is a SQLite database but not a Baton state: {detail}", $"check --state names the right file; otherwise {RestoreHelp(path)}");

    /// <summary>What to do about a state file that cannot be used.</summary>
    public static string RestoreHelp(string path) =>
        $"put back the newest good backup (from {Path.Combine(Path.GetDirectoryName(path)!, StateBackups.DefaultDirectoryName)}) with `baton state restore`; "
        + $"delete {path} only if you really mean to start afresh (every resource would then be created again)";

    private static bool HasLog(string path)
    {
        var wal = new FileInfo(path + "-wal");
        return wal.Exists && wal.Length > 0;
    }

    /// <summary>SQLite's words for what went wrong, without its error number.</summary>
    public static string Reason(SqliteException exception)
    {
        // "SQLite Error 11: 'database disk image is malformed'." -> "database disk image is malformed"
        var message = exception.Message;
        var start = message.IndexOf('\'', StringComparison.Ordinal);
        var end = message.LastIndexOf('\'');
        return start >= 0 && end > start ? message[(start + 1)..end] : message;
    }
}
