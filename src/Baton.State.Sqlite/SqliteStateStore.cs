using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text.Json;
using Baton.Values;
using Microsoft.Data.Sqlite;

namespace Baton.State.Sqlite;

/// <summary>
/// The embedded state store: one SQLite database in WAL mode with <c>synchronous=FULL</c>, so a write is on disk
/// (fsync'd) when its task completes. One writer connection behind a semaphore (SQLite has one writer; other
/// processes wait on <c>busy_timeout</c>), and a small pool of reader connections that WAL lets run alongside it.
/// Every write that needs the lock checks the fencing token inside its IMMEDIATE transaction. The same database and
/// writer hold the run store (<see cref="Runs.IRunStore"/>), so state writes and run writes queue on one lock.
/// </summary>
public sealed partial class SqliteStateStore : IStateStore
{
    private const int MaxIdleReaders = 8;

    // How ValueJson writes a sealed value: {"$sensitive":"BASE64"}. A map key "$sensitive" in user data is written
    // "$$sensitive", and a quote inside a string is escaped, so only a sealed value contains this text.
    private const string SealedMarker = "\"" + ValueJson.SensitiveMarker + "\":\"";
    private static readonly TimeSpan FirstPollDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxPollDelay = TimeSpan.FromSeconds(2);

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

    private SqliteStateStore(string connectionString, SqliteConnection writer, ISecretProtector protector, TimeProvider time, StateBackups? backups, FileStream hold)
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

    /// <summary>
    /// Opens the state at <paramref name="path"/> and brings its schema up to date. Only a missing file is a new state
    /// (made whole, then renamed into place); a file that is empty, damaged or not a Baton state is refused with
    /// <see cref="StateFileException"/>, untouched.
    /// </summary>
    public static Task<SqliteStateStore> OpenAsync(string path, ISecretProtector protector, TimeProvider time, CancellationToken cancellationToken) =>
        OpenAsync(path, protector, time, null, cancellationToken);

    /// <summary>
    /// Opens the state as <see cref="OpenAsync(string, ISecretProtector, TimeProvider, CancellationToken)"/> does, and
    /// when <paramref name="backups"/> is given, backs it up after every finished apply or destroy that changed it and
    /// after every replacement of a stack's state.
    /// </summary>
    public static async Task<SqliteStateStore> OpenAsync(string path, ISecretProtector protector, TimeProvider time, StateBackups? backups, CancellationToken cancellationToken)
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
            return new SqliteStateStore(connectionString, writer, protector, time, backups, hold) { Path = fullPath };
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

    /// <summary>
    /// Whether the state at <paramref name="path"/> holds any value sealed with a secret key (resource inputs and
    /// attributes, outputs, journal entries, events, runs): what must not be given a new key. False when there is no
    /// file; a file that cannot be a state is a <see cref="StateFileException"/>. Reads without changing anything.
    /// </summary>
    public static bool HoldsSealedValues(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        if (!StateFile.Exists(fullPath))
        {
            return false;
        }

        try
        {
            using var connection = new SqliteConnection(StateFile.ConnectionString(fullPath, SqliteOpenMode.ReadWrite));
            connection.Open();
            Configure(connection);
            var sealedColumns = SqliteSchema.SealedColumns(connection, fullPath);
            if (sealedColumns.Count == 0)
            {
                return false;
            }

            using var command = connection.CreateCommand();
            command.CommandText = "SELECT " + string.Join(" OR ", sealedColumns.Select(c => $"EXISTS (SELECT 1 FROM {c.Table} WHERE instr({c.Column}, $marker) > 0)"));
            command.Parameters.AddWithValue("$marker", SealedMarker);
            return command.ExecuteScalar() is long found && found != 0;
        }
        catch (SqliteException ex) when (StateFile.IsDamage(ex))
        {
            throw StateFile.Damaged(fullPath, ex);
        }
    }

    /// <inheritdoc />
    public async Task<StackState> LoadAsync(string stack, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stack);
        return await ReadAsync(connection =>
        {
            using var transaction = connection.BeginTransaction(deferred: true);
            long serial;
            Value outputs;
            using (var command = Command(connection, transaction, "SELECT serial, outputs FROM stacks WHERE name = $stack", ("stack", stack)))
            using (var row = command.ExecuteReader())
            {
                if (!row.Read())
                {
                    return StackState.Empty(stack);
                }

                serial = row.GetInt64(0);
                outputs = ReadValue(row, 1, ValueJson.SecretContext(stack, string.Empty, "outputs"));
            }

            var resources = ImmutableSortedDictionary.CreateBuilder<string, ResourceState>(StringComparer.Ordinal);
            using (var command = Command(
                connection,
                transaction,
                "SELECT key, address, type, provider, id, inputs, attributes, dependencies, status, deposed_key FROM resources WHERE stack = $stack",
                ("stack", stack)))
            using (var row = command.ExecuteReader())
            {
                while (row.Read())
                {
                    var key = row.GetString(0);
                    var resource = new ResourceState
                    {
                        Address = row.GetString(1),
                        Type = row.GetString(2),
                        Provider = row.GetString(3),
                        Id = row.GetString(4),
                        Inputs = ReadValue(row, 5, ValueJson.SecretContext(stack, key, "inputs")),
                        Attributes = ReadValue(row, 6, ValueJson.SecretContext(stack, key, "attributes")),
                        Dependencies = ReadAddresses(row, 7, $"resource \"{key}\""),
                        Status = Codec.Parse<ResourceStatus>(row.GetString(8)),
                        DeposedKey = row.IsDBNull(9) ? null : row.GetString(9),
                    };
                    resources[key] = resource;
                }
            }

            return new StackState { Stack = stack, Serial = serial, Resources = resources.ToImmutable(), Outputs = outputs };
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<LockAttempt> AcquireLockAsync(string stack, string owner, string operation, TimeSpan lease, TimeSpan wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        var started = _time.GetTimestamp();
        var delay = FirstPollDelay;
        while (true)
        {
            var (granted, holder) = await WriteAsync(transaction => TryAcquire(transaction, stack, owner, operation, lease), cancellationToken);
            if (granted is not null)
            {
                return new LockAttempt(granted, null);
            }

            var elapsed = _time.GetElapsedTime(started);
            if (elapsed >= wait)
            {
                return new LockAttempt(null, holder);
            }

            var pause = delay < wait - elapsed ? delay : wait - elapsed;
            await Task.Delay(pause, _time, cancellationToken);
            delay = delay * 2 < MaxPollDelay ? delay * 2 : MaxPollDelay;
        }
    }

    /// <inheritdoc />
    public Task<StackLock> RenewLockAsync(StackLock held, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(held);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        return WriteAsync(
            transaction =>
            {
                var now = _time.GetUtcNow();
                CheckFence(transaction, held.Stack, held.FencingToken, now);
                var renewed = held with { ExpiresAt = now + lease };
                var update = _statements.RenewLock.On(transaction);
                update[0] = held.Stack;
                update[1] = held.FencingToken;
                update[2] = Codec.Time(renewed.ExpiresAt);
                update.Execute();
                return renewed;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task ReleaseLockAsync(StackLock held, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(held);
        return WriteAsync(
            transaction =>
            {
                var delete = _statements.ReleaseLock.On(transaction);
                delete[0] = held.Stack;
                delete[1] = held.LockId;
                delete[2] = held.FencingToken;
                return delete.Execute();
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<StackLock?> GetLockAsync(string stack, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stack);
        return await ReadAsync(connection => ReadLock(Command(connection, null, LockQuery, ("stack", stack)), stack), cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> ForceUnlockAsync(string stack, string lockId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(lockId);
        return WriteAsync(
            transaction =>
            {
                var delete = _statements.ForceUnlock.On(transaction);
                delete[0] = stack;
                delete[1] = lockId;
                return delete.Execute() > 0;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> CommitAsync(StateChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        return WriteAsync(transaction => Commit(transaction, change), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<JournalIntent>> PendingIntentsAsync(string stack, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stack);
        return await ReadAsync<IReadOnlyList<JournalIntent>>(connection =>
        {
            using var command = Command(
                connection,
                null,
                """
                SELECT operation_id, address, type, provider, action, inputs, resource_id, deposed_key, dependencies, apply_id, at
                FROM journal WHERE stack = $stack AND outcome IS NULL ORDER BY at, operation_id
                """,
                ("stack", stack));
            using var row = command.ExecuteReader();
            var intents = new List<JournalIntent>();
            while (row.Read())
            {
                var operationId = row.GetString(0);
                intents.Add(new JournalIntent
                {
                    OperationId = operationId,
                    Stack = stack,
                    Address = row.GetString(1),
                    Type = row.GetString(2),
                    Provider = row.GetString(3),
                    Action = Codec.Parse<JournalAction>(row.GetString(4)),
                    Inputs = ReadValue(row, 5, JournalContext(stack, operationId)),
                    ResourceId = row.IsDBNull(6) ? null : row.GetString(6),
                    DeposedKey = row.IsDBNull(7) ? null : row.GetString(7),
                    Dependencies = ReadAddresses(row, 8, $"journal entry {operationId}"),
                    ApplyId = row.IsDBNull(9) ? null : row.GetString(9),
                    At = Codec.Time(row.GetInt64(10)),
                });
            }

            return intents;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task StartApplyAsync(ApplyRecord apply, long fencingToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(apply);
        return WriteAsync(
            transaction =>
            {
                CheckFence(transaction, apply.Stack, fencingToken, _time.GetUtcNow());
                EnsureStack(transaction, apply.Stack);
                var insert = _statements.InsertApply.On(transaction);
                BindApply(insert, apply);
                return insert.Execute();
            },
            cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>With backups, an apply that changed the state (its serial moved) is followed by a backup.</remarks>
    public async Task FinishApplyAsync(ApplyRecord apply, long fencingToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(apply);
        await WriteAsync(
            transaction =>
            {
                CheckFence(transaction, apply.Stack, fencingToken, _time.GetUtcNow());
                var update = _statements.FinishApply.On(transaction);
                BindApply(update, apply);
                if (update.Execute() == 0)
                {
                    throw new InvalidOperationException($"No apply '{apply.Id}' was started on stack '{apply.Stack}'.");
                }

                return 1;
            },
            cancellationToken);
        if (apply.SerialAfter is { } after && after != apply.SerialBefore)
        {
            await BackUpAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OperationRecord>> ListOperationsAsync(string stack, string applyId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(applyId);
        return ReadAsync<IReadOnlyList<OperationRecord>>(connection =>
        {
            using var command = Command(
                connection,
                null,
                """
                SELECT operation_id, address, type, action, dependencies, at, finished_at, outcome, error
                FROM journal WHERE stack = $stack AND apply_id = $apply ORDER BY at, operation_id
                """,
                ("stack", stack),
                ("apply", applyId));
            using var row = command.ExecuteReader();
            var operations = new List<OperationRecord>();
            while (row.Read())
            {
                operations.Add(new OperationRecord
                {
                    OperationId = row.GetString(0),
                    Address = row.GetString(1),
                    Type = row.GetString(2),
                    Action = Codec.Parse<JournalAction>(row.GetString(3)),
                    Dependencies = ReadAddresses(row, 4, $"journal entry {row.GetString(0)}"),
                    StartedAt = Codec.Time(row.GetInt64(5)),
                    FinishedAt = row.IsDBNull(6) ? null : Codec.Time(row.GetInt64(6)),
                    Outcome = row.IsDBNull(7) ? null : Codec.Parse<JournalOutcome>(row.GetString(7)),
                    Error = row.IsDBNull(8) ? null : row.GetString(8),
                });
            }

            return operations;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ApplyRecord>> ListAppliesAsync(string stack, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return await ReadAsync<IReadOnlyList<ApplyRecord>>(connection =>
        {
            using var command = Command(
                connection,
                null,
                """
                SELECT id, kind, owner, started_at, finished_at, status, serial_before, serial_after, summary
                FROM applies WHERE stack = $stack ORDER BY started_at DESC, id DESC LIMIT $limit
                """,
                ("stack", stack),
                ("limit", limit));
            using var row = command.ExecuteReader();
            var applies = new List<ApplyRecord>();
            while (row.Read())
            {
                applies.Add(new ApplyRecord
                {
                    Id = row.GetString(0),
                    Stack = stack,
                    Kind = Codec.Parse<ApplyKind>(row.GetString(1)),
                    Owner = row.GetString(2),
                    StartedAt = Codec.Time(row.GetInt64(3)),
                    FinishedAt = row.IsDBNull(4) ? null : Codec.Time(row.GetInt64(4)),
                    Status = Codec.Parse<ApplyStatus>(row.GetString(5)),
                    SerialBefore = row.GetInt64(6),
                    SerialAfter = row.IsDBNull(7) ? null : row.GetInt64(7),
                    Summary = row.IsDBNull(8) ? null : row.GetString(8),
                });
            }

            return applies;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StateEvent>> ReadEventsAsync(string stack, long afterId, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return await ReadAsync<IReadOnlyList<StateEvent>>(connection =>
        {
            using var command = Command(
                connection,
                null,
                "SELECT id, kind, address, message, data, at FROM events WHERE stack = $stack AND id > $after ORDER BY id LIMIT $limit",
                ("stack", stack),
                ("after", afterId),
                ("limit", limit));
            using var row = command.ExecuteReader();
            var events = new List<StateEvent>();
            while (row.Read())
            {
                events.Add(new StateEvent
                {
                    Id = row.GetInt64(0),
                    Stack = stack,
                    Kind = row.GetString(1),
                    Address = row.IsDBNull(2) ? null : row.GetString(2),
                    Message = row.GetString(3),
                    Data = ReadValue(row, 4, EventContext(stack)),
                    At = Codec.Time(row.GetInt64(5)),
                });
            }

            return events;
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>With backups, the replacement is followed by a backup.</remarks>
    public async Task<long> ReplaceAsync(StackState state, long fencingToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        var replaced = await WriteAsync(
            transaction =>
            {
                CheckFence(transaction, state.Stack, fencingToken, _time.GetUtcNow());
                EnsureStack(transaction, state.Stack);
                var serial = BumpSerial(transaction, state.Stack);
                var clear = _statements.ClearResources.On(transaction);
                clear[0] = state.Stack;
                clear.Execute();
                foreach (var (key, resource) in state.Resources)
                {
                    if (!string.Equals(key, resource.Key, StringComparison.Ordinal))
                    {
                        throw new ArgumentException($"Resource '{resource.Key}' is filed under the key '{key}'.", nameof(state));
                    }

                    Upsert(transaction, state.Stack, resource, serial);
                }

                SetOutputs(transaction, state.Stack, state.Outputs);
                return serial;
            },
            cancellationToken);
        await BackUpAsync(cancellationToken);
        return replaced;
    }

    /// <summary>Backs the state up now (when this store keeps backups); a backup that fails is reported to <see cref="StateBackups.Failed"/>, not thrown.</summary>
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
    public async Task<IReadOnlyList<string>> ListStacksAsync(CancellationToken cancellationToken) =>
        await ReadAsync<IReadOnlyList<string>>(connection =>
        {
            using var command = Command(connection, null, "SELECT name FROM stacks ORDER BY name");
            using var row = command.ExecuteReader();
            var names = new List<string>();
            while (row.Read())
            {
                names.Add(row.GetString(0));
            }

            return names;
        }, cancellationToken);

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

    private const string LockQuery =
        "SELECT lock_id, owner, operation, fencing_token, acquired_at, expires_at FROM locks WHERE stack = $stack";

    private static string JournalContext(string stack, string operationId) => ValueJson.SecretContext(stack, "journal:" + operationId, "inputs");

    private static string EventContext(string stack) => ValueJson.SecretContext(stack, "events", "data");

    /// <summary>
    /// A stored value. A value that does not read (damaged JSON, a sealed value that was altered or made with another
    /// key) is a <see cref="StateFileException"/> naming the row it is in, never garbage.
    /// </summary>
    private Value ReadValue(SqliteDataReader row, int ordinal, string context)
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
    private ImmutableArray<string> ReadAddresses(SqliteDataReader row, int ordinal, string what)
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

    private long Commit(SqliteTransaction transaction, StateChange change)
    {
        var stack = change.Stack;
        var now = _time.GetUtcNow();
        CheckFence(transaction, stack, change.FencingToken, now);
        EnsureStack(transaction, stack);
        foreach (var intent in change.Intents)
        {
            if (!string.Equals(intent.Stack, stack, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Intent '{intent.OperationId}' is for stack '{intent.Stack}', not '{stack}'.", nameof(change));
            }

            var insert = _statements.InsertIntent.On(transaction);
            insert[0] = intent.OperationId;
            insert[1] = stack;
            insert[2] = intent.Address;
            insert[3] = intent.Type;
            insert[4] = intent.Provider;
            insert[5] = Codec.Name(intent.Action);
            insert[6] = _codec.Json(intent.Inputs, JournalContext(stack, intent.OperationId));
            insert[7] = intent.ResourceId;
            insert[8] = intent.DeposedKey;
            insert[9] = _codec.Json(intent.Dependencies);
            insert[10] = intent.ApplyId;
            insert[11] = Codec.Time(intent.At);
            insert.Execute();
        }

        foreach (var result in change.Results)
        {
            var update = _statements.SetResult.On(transaction);
            update[0] = result.OperationId;
            update[1] = stack;
            update[2] = Codec.Name(result.Outcome);
            update[3] = result.Error;
            update[4] = Codec.Time(now);
            if (update.Execute() == 0)
            {
                throw new InvalidOperationException($"No journal intent '{result.OperationId}' on stack '{stack}' to record a result for.");
            }
        }

        long serial;
        if (change.ChangesState)
        {
            serial = BumpSerial(transaction, stack);

            // Removals first, so a key both removed and written in one change ends up written.
            foreach (var key in change.Removals)
            {
                var delete = _statements.DeleteResource.On(transaction);
                delete[0] = stack;
                delete[1] = key;
                delete.Execute();
            }

            foreach (var resource in change.Upserts)
            {
                Upsert(transaction, stack, resource, serial);
            }

            if (change.Outputs is not null)
            {
                SetOutputs(transaction, stack, change.Outputs);
            }
        }
        else
        {
            var select = _statements.SelectSerial.On(transaction);
            select[0] = stack;
            serial = (long)select.Scalar()!;
        }

        foreach (var stateEvent in change.Events)
        {
            var insert = _statements.InsertEvent.On(transaction);
            insert[0] = stack;
            insert[1] = stateEvent.Kind;
            insert[2] = stateEvent.Address;
            insert[3] = stateEvent.Message;
            insert[4] = _codec.Json(stateEvent.Data, EventContext(stack));
            insert[5] = Codec.Time(stateEvent.At);
            insert.Execute();
        }

        return serial;
    }

    private void Upsert(SqliteTransaction transaction, string stack, ResourceState resource, long serial)
    {
        var key = resource.Key;
        var upsert = _statements.UpsertResource.On(transaction);
        upsert[0] = stack;
        upsert[1] = key;
        upsert[2] = resource.Address;
        upsert[3] = resource.Type;
        upsert[4] = resource.Provider;
        upsert[5] = resource.Id;
        upsert[6] = _codec.Json(resource.Inputs, ValueJson.SecretContext(stack, key, "inputs"));
        upsert[7] = _codec.Json(resource.Attributes, ValueJson.SecretContext(stack, key, "attributes"));
        upsert[8] = _codec.Json(resource.Dependencies);
        upsert[9] = Codec.Name(resource.Status);
        upsert[10] = resource.DeposedKey;
        upsert[11] = serial;
        upsert.Execute();
    }

    private void SetOutputs(SqliteTransaction transaction, string stack, Value outputs)
    {
        var update = _statements.SetOutputs.On(transaction);
        update[0] = stack;
        update[1] = _codec.Json(outputs, ValueJson.SecretContext(stack, string.Empty, "outputs"));
        update.Execute();
    }

    private long BumpSerial(SqliteTransaction transaction, string stack)
    {
        var bump = _statements.BumpSerial.On(transaction);
        bump[0] = stack;
        return (long)bump.Scalar()!;
    }

    private void EnsureStack(SqliteTransaction transaction, string stack)
    {
        var insert = _statements.EnsureStack.On(transaction);
        insert[0] = stack;
        insert.Execute();
    }

    private void CheckFence(SqliteTransaction transaction, string stack, long fencingToken, DateTimeOffset now)
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

    private (StackLock? Granted, StackLock? Holder) TryAcquire(SqliteTransaction transaction, string stack, string owner, string operation, TimeSpan lease)
    {
        var now = _time.GetUtcNow();
        var current = ReadLock(_statements.SelectLock.On(transaction).With(stack), stack);
        if (current is not null && current.ExpiresAt > now)
        {
            return (null, current);
        }

        var next = _statements.NextToken.On(transaction);
        next[0] = stack;
        var token = (long)next.Scalar()!;
        var granted = new StackLock
        {
            Stack = stack,
            LockId = Guid.CreateVersion7(now).ToString("N"),
            Owner = owner,
            Operation = operation,
            FencingToken = token,
            AcquiredAt = now,
            ExpiresAt = now + lease,
        };
        var upsert = _statements.UpsertLock.On(transaction);
        upsert[0] = stack;
        upsert[1] = granted.LockId;
        upsert[2] = owner;
        upsert[3] = operation;
        upsert[4] = token;
        upsert[5] = Codec.Time(granted.AcquiredAt);
        upsert[6] = Codec.Time(granted.ExpiresAt);
        upsert.Execute();
        return (granted, null);
    }

    private static StackLock? ReadLock(Statement statement, string stack)
    {
        using var row = statement.Query();
        return row.Read() ? LockFrom(row, stack) : null;
    }

    private static StackLock? ReadLock(SqliteCommand command, string stack)
    {
        using (command)
        using (var row = command.ExecuteReader())
        {
            return row.Read() ? LockFrom(row, stack) : null;
        }
    }

    /// <summary>The lock of <paramref name="stack"/> from a row whose first six columns are those of <see cref="WriterStatements.SelectLock"/>.</summary>
    internal static StackLock LockFrom(SqliteDataReader row, string stack) => new()
    {
        Stack = stack,
        LockId = row.GetString(0),
        Owner = row.GetString(1),
        Operation = row.GetString(2),
        FencingToken = row.GetInt64(3),
        AcquiredAt = Codec.Time(row.GetInt64(4)),
        ExpiresAt = Codec.Time(row.GetInt64(5)),
    };

    private static void BindApply(Statement statement, ApplyRecord apply)
    {
        statement[0] = apply.Id;
        statement[1] = apply.Stack;
        statement[2] = Codec.Name(apply.Kind);
        statement[3] = apply.Owner;
        statement[4] = Codec.Time(apply.StartedAt);
        statement[5] = apply.FinishedAt is { } finished ? Codec.Time(finished) : null;
        statement[6] = Codec.Name(apply.Status);
        statement[7] = apply.SerialBefore;
        statement[8] = apply.SerialAfter;
        statement[9] = apply.Summary;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
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

    private async Task<T> WriteAsync<T>(Func<SqliteTransaction, T> body, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
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
            _statements.Detach();
            _runStatements.Detach();
            _writeGate.Release();
        }
    }

    private async Task<T> ReadAsync<T>(Func<SqliteConnection, T> body, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
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
            if (Volatile.Read(ref _disposed) != 0 || _idleReaders.Count >= MaxIdleReaders)
            {
                await connection.DisposeAsync();
            }
            else
            {
                _idleReaders.Add(connection);
            }
        }
    }

    private static void Configure(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;";
        command.ExecuteNonQuery();
    }
}
