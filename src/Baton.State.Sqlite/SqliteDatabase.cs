using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text.Json;
using Baton.Values;
using Microsoft.Data.Sqlite;

namespace Baton.State.Sqlite;

/// <summary>
/// One opened SQLite state file, shared by the store of every concern (<see cref="SqliteStateStore"/>,
/// <see cref="SqliteLockStore"/>, <see cref="SqliteApplyHistory"/>, <see cref="SqliteEventLog"/>,
/// <see cref="SqliteRunStore"/>, <see cref="SqliteAccessStore"/>): WAL mode with <c>synchronous=FULL</c>, so a write is
/// on disk (fsync'd) when its task completes. One writer connection behind a semaphore (SQLite has one writer; other
/// processes wait on <c>busy_timeout</c>) with its prepared statements, so every concern's writes queue on one lock,
/// and a small pool of reader connections that WAL lets run alongside it. Also the checks a write of one concern
/// makes inside its transaction on the rows of another (<see cref="CheckFence"/>), and how a stored value that does not
/// read is reported.
/// </summary>
internal sealed class SqliteDatabase : IAsyncDisposable
{
    private const int MaxIdleReaders = 8;

    private readonly string _connectionString;
    private readonly ISecretProtector _protector;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly ConcurrentBag<SqliteConnection> _idleReaders = [];
    private readonly SqliteConnection _writer;
    private readonly WriterStatements _statements;
    private readonly RunStatements _runStatements;
    private readonly Codec _codec;
    private readonly StateBackups? _backups;
    private readonly FileStream _hold;
    private int _disposed;

    private SqliteDatabase(string connectionString, SqliteConnection writer, ISecretProtector protector, TimeProvider time, StateBackups? backups, FileStream hold)
    {
        _hold = hold;
        _connectionString = connectionString;
        _backups = backups;
        _writer = writer;
        _protector = protector;
        _time = time;
        _codec = new Codec(protector);
        _statements = new WriterStatements(writer);
        _runStatements = new RunStatements(writer);
    }

    /// <summary>The database file.</summary>
    public required string Path { get; init; }

    /// <summary>The clock leases and times are taken from.</summary>
    public TimeProvider Time => _time;

    /// <summary>The writer's value codec; used only inside a write transaction.</summary>
    public Codec Codec => _codec;

    /// <summary>The writer's prepared state statements; used only inside a write transaction.</summary>
    public WriterStatements Statements => _statements;

    /// <summary>The writer's prepared run statements; used only inside a write transaction.</summary>
    public RunStatements RunStatements => _runStatements;

    /// <summary>The one writer connection; used only while holding the writer (<see cref="EnterWriterAsync"/>).</summary>
    public SqliteConnection Writer => _writer;

    /// <summary>Whether <see cref="DisposeAsync"/> was called.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>
    /// Opens the state at <paramref name="path"/> and brings its schema up to date. Only a missing file is a new state
    /// (made whole, then renamed into place); a file that is empty, damaged or not a Baton state is refused with
    /// <see cref="StateFileException"/>, untouched. With <paramref name="backups"/>, <see cref="BackUpAsync"/> writes
    /// them.
    /// </summary>
    public static async Task<SqliteDatabase> OpenAsync(string path, ISecretProtector protector, TimeProvider time, StateBackups? backups, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(protector);
        ArgumentNullException.ThrowIfNull(time);
        var fullPath = System.IO.Path.GetFullPath(path);
        if (backups is not null && !string.Equals(backups.DatabasePath, fullPath, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The backups are of {backups.DatabasePath}, not of {fullPath}.", nameof(backups));
        }

        var directory = System.IO.Path.GetDirectoryName(fullPath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        // Held until the store is disposed: a restore waits for every holder to let go.
        var hold = StateFile.HoldShared(fullPath);
        SqliteConnection writer;
        string connectionString;
        try
        {
            if (!StateFile.Exists(fullPath))
            {
                StateFile.Create(fullPath);
            }

            connectionString = StateFile.ConnectionString(fullPath, SqliteOpenMode.ReadWrite);
            writer = new SqliteConnection(connectionString);
        }
        catch
        {
            await hold.DisposeAsync();
            throw;
        }

        try
        {
            await writer.OpenAsync(cancellationToken);
            using (var wal = writer.CreateCommand())
            {
                wal.CommandText = "PRAGMA journal_mode=WAL";
                var mode = wal.ExecuteScalar() as string;
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    throw new StateFileException(
                        fullPath,
                        $"the state file {fullPath} cannot use SQLite's write-ahead log (journal mode '{mode}')",
                        "keep the state on a local file system that SQLite can share memory on");
                }
            }

            Configure(writer);
            SqliteSchema.Migrate(writer, fullPath);
            return new SqliteDatabase(connectionString, writer, protector, time, backups, hold) { Path = fullPath };
        }
        catch (SqliteException ex) when (StateFile.IsDamage(ex))
        {
            await writer.DisposeAsync();
            await hold.DisposeAsync();
            throw StateFile.Damaged(fullPath, ex);
        }
        catch
        {
            await writer.DisposeAsync();
            await hold.DisposeAsync();
            throw;
        }
    }

    /// <summary>Backs the state up now (when the database was opened with backups); a backup that fails is reported to <see cref="StateBackups.Failed"/>, not thrown.</summary>
    public async Task BackUpAsync(CancellationToken cancellationToken)
    {
        if (_backups is not { } backups)
        {
            return;
        }

        try
        {
            // A reader connection: SQLite's backup copies one consistent snapshot while this store and others write.
            await ReadAsync(backups.Write, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SqliteException or StateFileException)
        {
            backups.Failed?.Invoke(ex);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _writeGate.WaitAsync();
        try
        {
            _statements.Dispose();
            _runStatements.Dispose();
            _codec.Dispose();
            await _writer.DisposeAsync();
            while (_idleReaders.TryTake(out var reader))
            {
                await reader.DisposeAsync();
            }
        }
        finally
        {
            _writeGate.Release();
            await _hold.DisposeAsync();
        }
    }

    /// <summary>
    /// A stored value. A value that does not read (damaged JSON, a sealed value that was altered or made with another
    /// key) is a <see cref="StateFileException"/> naming the row it is in, never garbage.
    /// </summary>
    public Value ReadValue(SqliteDataReader row, int ordinal, string context)
    {
        try
        {
            return ValueJson.Parse(Utf8(row, ordinal), _protector, context);
        }
        catch (JsonException ex)
        {
            throw new StateFileException(Path, $"cannot read {Describe(context)} in the state file {Path}: {Clause(ex.Message)}", StateFile.RestoreHelp(Path), ex);
        }
        catch (SecretKeyMismatchException ex)
        {
            var source = ex.KeySource ?? "BATON_SECRET_KEY or .baton/secret.key beside the stack";
            throw new StateFileException(
                Path,
                $"cannot unseal {Describe(context)} in the state file {Path}: it was sealed with a different secret key than the one in {source}",
                $"the secret key does not match the values sealed in the state: restore {source} from your backup (the key the state was sealed with); a new key can never read them",
                ex);
        }
        catch (CryptographicException ex)
        {
            throw new StateFileException(Path, $"cannot unseal {Describe(context)} in the state file {Path}: {Clause(ex.Message)}", StateFile.RestoreHelp(Path), ex);
        }
    }

    /// <summary>A stored address list, which does not read as a <see cref="StateFileException"/> naming <paramref name="what"/>.</summary>
    public ImmutableArray<string> ReadAddresses(SqliteDataReader row, int ordinal, string what)
    {
        try
        {
            return Codec.ReadAddresses(Utf8(row, ordinal));
        }
        catch (JsonException ex)
        {
            throw new StateFileException(Path, $"cannot read the dependencies of {what} in the state file {Path}: {Clause(ex.Message)}", StateFile.RestoreHelp(Path), ex);
        }
    }

    /// <summary>Where a value with secret context <paramref name="context"/> lives, in words: "the inputs of resource \"web\"".</summary>
    private static string Describe(string context)
    {
        var parts = context.Split('\u001f');
        if (parts.Length != 3)
        {
            return "a value";
        }

        var (stack, place, field) = (parts[0], parts[1], parts[2]);
        if (place.Length == 0)
        {
            return $"the {field} of stack \"{stack}\"";
        }

        if (place.StartsWith("journal:", StringComparison.Ordinal))
        {
            return $"the {field} of journal entry {place["journal:".Length..]} (stack \"{stack}\")";
        }

        if (place == "events")
        {
            return $"the {field} of an event of stack \"{stack}\"";
        }

        if (place.StartsWith("run:", StringComparison.Ordinal))
        {
            var run = place["run:".Length..];
            return field.StartsWith("step-outputs:", StringComparison.Ordinal) ? $"the outputs of step {field["step-outputs:".Length..]} of run {run}"
                : field.StartsWith("event-data:", StringComparison.Ordinal) ? $"the data of event {field["event-data:".Length..]} of run {run}"
                : $"the {field} of run {run}";
        }

        return $"the {field} of resource \"{place}\" (stack \"{stack}\")";
    }

    /// <summary>An exception's sentence as a clause of a diagnostic: lower case first, no final full stop.</summary>
    private static string Clause(string message)
    {
        var text = message.Trim().TrimEnd('.');
        return text.Length > 1 && char.IsUpper(text[0]) && !char.IsUpper(text[1]) ? char.ToLowerInvariant(text[0]) + text[1..] : text;
    }

    private static byte[] Utf8(SqliteDataReader row, int ordinal) => row.GetFieldValue<byte[]>(ordinal);

    /// <summary>Makes the stack's row (serial 0, no outputs) unless it has one.</summary>
    public void EnsureStack(SqliteTransaction transaction, string stack)
    {
        var insert = _statements.EnsureStack.On(transaction);
        insert[0] = stack;
        insert.Execute();
    }

    /// <summary>
    /// Throws <see cref="StaleLockException"/> unless <paramref name="fencingToken"/> is the current lease's on
    /// <paramref name="stack"/> and it has not expired by <paramref name="now"/>: the check every fenced write makes
    /// inside its own transaction.
    /// </summary>
    public void CheckFence(SqliteTransaction transaction, string stack, long fencingToken, DateTimeOffset now)
    {
        var current = ReadLock(_statements.SelectLock.On(transaction).With(stack), stack);
        if (current is null)
        {
            throw new StaleLockException($"Stack '{stack}' is not locked; the write with fencing token {fencingToken} was refused.");
        }

        if (current.FencingToken != fencingToken)
        {
            throw new StaleLockException(
                $"Stack '{stack}' is now locked by {current.Owner} (lock {current.LockId}, fencing token {current.FencingToken}); the write with fencing token {fencingToken} was refused.");
        }

        if (current.ExpiresAt <= now)
        {
            throw new StaleLockException(
                $"The lease on stack '{stack}' (lock {current.LockId}) expired at {current.ExpiresAt:O}; the write was refused.");
        }
    }

    /// <summary>The lock a query of <see cref="WriterStatements.SelectLock"/>'s columns finds, or null.</summary>
    public static StackLock? ReadLock(Statement statement, string stack)
    {
        using var row = statement.Query();
        return row.Read() ? LockFrom(row, stack) : null;
    }

    /// <summary>The lock a command selecting <see cref="WriterStatements.SelectLock"/>'s columns finds, or null; disposes the command.</summary>
    public static StackLock? ReadLock(SqliteCommand command, string stack)
    {
        using (command)
        using (var row = command.ExecuteReader())
        {
            return row.Read() ? LockFrom(row, stack) : null;
        }
    }

    /// <summary>The lock of <paramref name="stack"/> from a row whose first six columns are those of <see cref="WriterStatements.SelectLock"/>.</summary>
    public static StackLock LockFrom(SqliteDataReader row, string stack) => new()
    {
        Stack = stack,
        LockId = row.GetString(0),
        Owner = row.GetString(1),
        Operation = row.GetString(2),
        FencingToken = row.GetInt64(3),
        AcquiredAt = Codec.Time(row.GetInt64(4)),
        ExpiresAt = Codec.Time(row.GetInt64(5)),
    };

    /// <summary>A one-off command on <paramref name="connection"/> with <c>$name</c> parameters.</summary>
    public static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue("$" + name, value);
        }

        return command;
    }

    /// <summary>
    /// Runs <paramref name="body"/> in one <c>BEGIN IMMEDIATE</c> transaction on the writer, committed (fsync'd)
    /// before the task completes; one write at a time in this process, other processes wait on <c>busy_timeout</c>.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<SqliteTransaction, T> body, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        await EnterWriterAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            cancellationToken.ThrowIfCancellationRequested();

            // BEGIN IMMEDIATE: take SQLite's write lock up front, so the fencing check and the writes see one state.
            using var transaction = _writer.BeginTransaction(deferred: false);
            var result = body(transaction);
            transaction.Commit();
            return result;
        }
        catch (SqliteException ex) when (StateFile.IsDamage(ex))
        {
            throw StateFile.Damaged(Path, ex);
        }
        finally
        {
            ExitWriter();
        }
    }

    /// <summary>Waits for the writer: one write transaction at a time. Every successful wait is paired with <see cref="ExitWriter"/>.</summary>
    public Task EnterWriterAsync(CancellationToken cancellationToken) => _writeGate.WaitAsync(cancellationToken);

    /// <summary>Unbinds the prepared statements from the finished transaction and lets the next writer in.</summary>
    public void ExitWriter()
    {
        _statements.Detach();
        _runStatements.Detach();
        _writeGate.Release();
    }

    /// <summary>Runs <paramref name="body"/> on a reader connection from the pool (WAL lets readers run alongside the writer).</summary>
    public async Task<T> ReadAsync<T>(Func<SqliteConnection, T> body, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (!_idleReaders.TryTake(out var connection))
        {
            connection = new SqliteConnection(_connectionString);
            try
            {
                await connection.OpenAsync(cancellationToken);
                Configure(connection);
            }
            catch (SqliteException ex) when (StateFile.IsDamage(ex))
            {
                await connection.DisposeAsync();
                throw StateFile.Damaged(Path, ex);
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }

        try
        {
            return body(connection);
        }
        catch (SqliteException ex) when (StateFile.IsDamage(ex))
        {
            throw StateFile.Damaged(Path, ex);
        }
        finally
        {
            if (IsDisposed || _idleReaders.Count >= MaxIdleReaders)
            {
                await connection.DisposeAsync();
            }
            else
            {
                _idleReaders.Add(connection);
            }
        }
    }

    /// <summary>Sets the pragmas every connection runs with: <c>synchronous=FULL</c>, foreign keys, <c>busy_timeout</c>.</summary>
    public static void Configure(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;";
        command.ExecuteNonQuery();
    }
}
