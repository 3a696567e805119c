using System.Collections.Immutable;
using System.Security.Cryptography;
using Baton.Values;
using Npgsql;

namespace Baton.Providers.Postgres;

/// <summary>
/// <c>postgres.dump</c> and <c>postgres.restore</c>: pg_dump and pg_restore on files confined to <c>dump_root</c>.
/// A dump goes to a hidden file beside its target and is renamed over it only after pg_dump succeeded and the file was
/// hashed, so a half-written dump never sits under the target's name. Both first open a connection themselves, so an
/// unreachable server or a refused login is classified like any other call; a failing program is permanent, with the
/// tail of what it wrote to stderr.
/// </summary>
internal sealed class DumpActions(PostgresConnections connections, PostgresTools tools)
{
    private const string DuplicateDatabase = "42P04";

    private const string CountTables = """
        SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_toast%'
        """;

    public async Task<InvokeResult> DumpAsync(ImmutableSortedDictionary<string, Value> inputs, CancellationToken cancellationToken)
    {
        const string Action = PostgresSchema.DumpAction;
        var errors = new List<string>();
        var database = ActionInputs.Name(inputs, "database", errors);
        var file = ActionInputs.RequiredText(inputs, "file", errors);
        var format = (MapValues.Text(inputs, "format") ?? "custom") switch
        {
            "custom" => "c",
            "tar" => "t",
            "plain" => "p",
            var other => ActionInputs.Fail(errors, $"format \"{other}\" is not custom, tar or plain"),
        };
        if (errors.Count > 0)
        {
            return ActionInputs.Failure(Action, errors);
        }

        if (Confine(file!) is not { } target)
        {
            return ActionInputs.Failure(Action, [ConfinementError(file!)]);
        }

        if (tools.Locate("pg_dump") is not { } pgDump)
        {
            return ActionInputs.Failure(Action, ["pg_dump was not found (set bin_dir, or install the PostgreSQL client programs)"]);
        }

        await using (await connections.OpenAsync(database, cancellationToken))
        {
            // Only to classify an unreachable server, a refused login or a missing database before pg_dump runs.
        }

        var directory = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(directory);
        var partial = Path.Combine(directory, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.partial");
        try
        {
            var (exitCode, errorTail) = await tools.RunAsync(pgDump, database!, ["--file=" + partial, "--format=" + format], cancellationToken);
            if (exitCode != 0)
            {
                return new InvokeResult { Error = ProviderError.Permanent($"{Action}: pg_dump of \"{database}\" exited with {exitCode}: {errorTail}") };
            }

            string sha256;
            long bytes;
            await using (var stream = new FileStream(partial, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
            {
                sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
                bytes = stream.Length;
            }

            File.Move(partial, target, overwrite: true);
            return new InvokeResult
            {
                Outputs = Value.Map(
                [
                    new("file", Value.String(target)),
                    new("bytes", Value.Number(bytes)),
                    new("sha256", Value.String(sha256)),
                ]),
            };
        }
        finally
        {
            File.Delete(partial);
        }
    }

    public async Task<InvokeResult> RestoreAsync(ImmutableSortedDictionary<string, Value> inputs, CancellationToken cancellationToken)
    {
        const string Action = PostgresSchema.RestoreAction;
        var errors = new List<string>();
        var database = ActionInputs.Name(inputs, "database", errors);
        var file = ActionInputs.RequiredText(inputs, "file", errors);
        var owner = MapValues.Known(inputs, "owner") is null ? null : ActionInputs.Name(inputs, "owner", errors);
        var clean = MapValues.Flag(inputs, "clean") == true;
        if (errors.Count > 0)
        {
            return ActionInputs.Failure(Action, errors);
        }

        if (Confine(file!) is not { } source)
        {
            return ActionInputs.Failure(Action, [ConfinementError(file!)]);
        }

        if (!File.Exists(source))
        {
            return ActionInputs.Failure(Action, [$"the dump file \"{source}\" does not exist"]);
        }

        if (tools.Locate("pg_restore") is not { } pgRestore)
        {
            return ActionInputs.Failure(Action, ["pg_restore was not found (set bin_dir, or install the PostgreSQL client programs)"]);
        }

        var created = await EnsureDatabaseAsync(database!, owner, cancellationToken);
        List<string> arguments = ["--single-transaction", "--exit-on-error"];
        if (clean)
        {
            arguments.AddRange(["--clean", "--if-exists"]);
        }

        if (owner is not null)
        {
            arguments.AddRange(["--no-owner", "--role=" + owner]);
        }

        // The canonical path is absolute, so pg_restore cannot take it for an option.
        arguments.Add(source);
        var (exitCode, errorTail) = await tools.RunAsync(pgRestore, database!, arguments, cancellationToken);
        if (exitCode != 0)
        {
            if (created)
            {
                // The restore ran in one transaction and left nothing; neither does the database made for it, so a retry starts afresh.
                await using var connection = await connections.OpenAsync(null, cancellationToken);
                await PostgresConnections.ExecuteAsync(connection, $"DROP DATABASE IF EXISTS {SqlText.Identifier(database!)} WITH (FORCE)", cancellationToken);
            }

            return new InvokeResult { Error = ProviderError.Permanent($"{Action}: pg_restore into \"{database}\" exited with {exitCode}: {errorTail}") };
        }

        long tables;
        await using (var connection = await connections.OpenAsync(database, cancellationToken))
        await using (var command = new NpgsqlCommand(CountTables, connection))
        {
            tables = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        return new InvokeResult
        {
            Outputs = Value.Map(
            [
                new("database", Value.String(database!)),
                new("created", Value.Bool(created)),
                new("tables", Value.Number(tables)),
            ]),
        };
    }

    private async Task<bool> EnsureDatabaseAsync(string database, string? owner, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(null, cancellationToken);
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection))
        {
            exists.Parameters.Add(new NpgsqlParameter<string> { TypedValue = database });
            if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
            {
                return false;
            }
        }

        try
        {
            await PostgresConnections.ExecuteAsync(
                connection,
                $"CREATE DATABASE {SqlText.Identifier(database)} TEMPLATE template0" + (owner is null ? string.Empty : " OWNER " + SqlText.Identifier(owner)),
                cancellationToken);
            return true;
        }
        catch (PostgresException exception) when (exception.SqlState == DuplicateDatabase)
        {
            return false;
        }
    }

    private string? Confine(string path) =>
        connections.Settings.DumpRoot is { } root && root.TryResolve(path, out var resolved, out _) ? resolved : null;

    private string ConfinementError(string path)
    {
        if (connections.Settings.DumpRoot is not { } root)
        {
            return "the provider has no dump_root setting: set it to the directory dumps may be written in and restored from";
        }

        root.TryResolve(path, out _, out var error);
        return error ?? $"\"{path}\" is not inside dump_root";
    }
}
