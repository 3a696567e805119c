using System.Collections.Immutable;
using System.Net.Sockets;
using Baton.Diagnostics;
using Baton.Values;
using Npgsql;

namespace Baton.Providers.Postgres;

/// <summary>
/// Databases, roles, grants and extensions on one PostgreSQL server. A resource's id names its object, so a create
/// whose object already exists adopts it (the engine retries a create after a crash with the same inputs). Statements
/// that cannot take parameters quote identifiers and literals through <see cref="SqlText"/>; everything else is sent
/// as parameters.
/// </summary>
internal sealed class PostgresProvider : IProvider
{
    public const string InvalidInputCode = "BT5601";

    private const string DuplicateDatabase = "42P04";
    private const string DuplicateObject = "42710";

    private readonly PostgresSettings _settings;
    private readonly PostgresConnections _connections;
    private readonly GrantResource _grants;
    private readonly ExtensionResource _extensions;
    private readonly DumpActions _dumps;
    private readonly SqlAction _sql;

    public PostgresProvider(PostgresSettings settings)
    {
        _settings = settings;
        _connections = new PostgresConnections(settings);
        _grants = new GrantResource(_connections);
        _extensions = new ExtensionResource(_connections);
        _dumps = new DumpActions(_connections, new PostgresTools(settings));
        _sql = new SqlAction(_connections);
    }

    public ProviderSchema Schema => PostgresSchema.Provider;

    public ValueTask<ValidateResult> ValidateAsync(ValidateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ValueTask.FromResult(new ValidateResult(Check(request.Type, request.Address, request.Inputs)));
    }

    public ValueTask<PlanResult> PlanAsync(PlanRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var diagnostics = Check(request.Type, request.Address, request.Inputs);
        if (PostgresSchema.Provider.ResourceType(request.Type) is not { } schema)
        {
            return ValueTask.FromResult(new PlanResult { PlannedAttributes = Value.EmptyMap, Diagnostics = diagnostics });
        }

        var plan = ResourcePlanning.Plan(schema, request);
        if (request.Type is PostgresSchema.GrantType or PostgresSchema.ExtensionType)
        {
            // The id of a grant or an extension follows from its inputs, so the plan knows it when they are known.
            var planned = plan.PlannedAttributes.AsMap();
            var identity = request.Type == PostgresSchema.GrantType ? (string[])["role", "database", "on", "schema"] : ["name", "database"];
            if (identity.All(name => !planned.TryGetValue(name, out var value) || value.IsWhollyKnown))
            {
                var id = request.Type == PostgresSchema.GrantType ? GrantSpec.From(planned)?.Id : ExtensionSpec.From(planned)?.Id;
                if (id is not null)
                {
                    plan = plan with { PlannedAttributes = Value.Map(planned.SetItem("id", Value.String(id))) };
                }
            }
        }

        return ValueTask.FromResult(plan with { Diagnostics = diagnostics });
    }

    public async ValueTask<ResourceResult> CreateAsync(CreateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Problem(request.Type, request.Address, request.Inputs) is { } problem)
        {
            return ResourceResult.Failure(problem);
        }

        try
        {
            var inputs = request.Inputs.AsMap();
            return request.Type switch
            {
                PostgresSchema.DatabaseType => await CreateDatabaseAsync(inputs, cancellationToken),
                PostgresSchema.RoleType => await CreateRoleAsync(inputs, cancellationToken),
                PostgresSchema.GrantType => await _grants.ApplyAsync(GrantSpec.From(inputs)!, revokeDefaults: false, cancellationToken),
                _ => await _extensions.ApplyAsync(ExtensionSpec.From(inputs)!, cancellationToken),
            };
        }
        catch (Exception exception) when (Classify(exception, request.Address) is { } error)
        {
            return ResourceResult.Failure(error);
        }
    }

    public async ValueTask<ReadResult> ReadAsync(ReadRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (PostgresSchema.Provider.ResourceType(request.Type) is null)
        {
            return ReadResult.Failure(ProviderError.Permanent($"the postgres provider has no resource type \"{request.Type}\""));
        }

        var inputs = MapValues.Of(request.Inputs);
        var attributes = MapValues.Of(request.Attributes);
        if (request.Type is PostgresSchema.GrantType or PostgresSchema.ExtensionType)
        {
            return await ReadByIdentityAsync(request, inputs, attributes, cancellationToken);
        }

        var name = request.Id ?? MapValues.Text(inputs, "name");
        if (name is null)
        {
            return ReadResult.Gone;
        }

        try
        {
            if (request.Type == PostgresSchema.DatabaseType)
            {
                var template = MapValues.Text(attributes, "template") ?? MapValues.Text(inputs, "template") ?? "template0";
                return await ReadDatabaseAsync(name, template, cancellationToken) is { } found ? ReadResult.Found(name, found) : ReadResult.Gone;
            }

            var password = MapValues.Text(attributes, "password") ?? MapValues.Text(inputs, "password");
            return await ReadRoleAsync(name, password, cancellationToken) is { } role ? ReadResult.Found(name, role) : ReadResult.Gone;
        }
        catch (Exception exception) when (Classify(exception, request.Address) is { } error)
        {
            return ReadResult.Failure(error);
        }
    }

    public async ValueTask<ResourceResult> UpdateAsync(UpdateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Problem(request.Type, request.Address, request.Inputs) is { } problem)
        {
            return ResourceResult.Failure(problem);
        }

        var inputs = request.Inputs.AsMap();
        var prior = MapValues.Of(request.PriorAttributes);
        try
        {
            if (request.Type == PostgresSchema.GrantType)
            {
                var revokeDefaults = MapValues.Flag(MapValues.Of(request.PriorInputs), "default_privileges") == true || MapValues.Flag(prior, "default_privileges") == true;
                return await _grants.ApplyAsync(GrantSpec.From(inputs)!, revokeDefaults, cancellationToken);
            }

            if (request.Type == PostgresSchema.ExtensionType)
            {
                return await _extensions.ApplyAsync(ExtensionSpec.From(inputs)!, cancellationToken);
            }

            if (request.Type == PostgresSchema.DatabaseType)
            {
                var template = MapValues.Text(prior, "template") ?? MapValues.Text(inputs, "template") ?? "template0";
                if (MapValues.Text(inputs, "owner") is { } owner)
                {
                    await ExecuteAsync($"ALTER DATABASE {SqlText.Identifier(request.Id)} OWNER TO {SqlText.Identifier(owner)}", cancellationToken);
                }

                return await ReadDatabaseAsync(request.Id, template, cancellationToken) is { } database
                    ? ResourceResult.Success(request.Id, database)
                    : ResourceResult.Failure(ProviderError.Permanent($"{request.Address}: the database \"{request.Id}\" no longer exists"));
            }

            var password = MapValues.Text(inputs, "password") ?? MapValues.Text(prior, "password") ?? SqlText.NewPassword();
            var login = Login(inputs);
            await ExecuteAsync($"ALTER ROLE {SqlText.Identifier(request.Id)} WITH {(login ? "LOGIN" : "NOLOGIN")} PASSWORD {SqlText.Literal(password)}", cancellationToken);
            return await ReadRoleAsync(request.Id, password, cancellationToken) is { } role
                ? ResourceResult.Success(request.Id, role)
                : ResourceResult.Failure(ProviderError.Permanent($"{request.Address}: the role \"{request.Id}\" no longer exists"));
        }
        catch (Exception exception) when (Classify(exception, request.Address) is { } error)
        {
            return ResourceResult.Failure(error);
        }
    }

    public async ValueTask<DeleteResult> DeleteAsync(DeleteRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Type is PostgresSchema.GrantType or PostgresSchema.ExtensionType)
        {
            return await DeleteByIdentityAsync(request, cancellationToken);
        }

        var statement = request.Type switch
        {
            PostgresSchema.DatabaseType => $"DROP DATABASE IF EXISTS {SqlText.Identifier(request.Id)} WITH (FORCE)",
            PostgresSchema.RoleType => $"DROP ROLE IF EXISTS {SqlText.Identifier(request.Id)}",
            _ => null,
        };
        if (statement is null)
        {
            return new DeleteResult(ProviderError.Permanent($"the postgres provider has no resource type \"{request.Type}\""));
        }

        try
        {
            await ExecuteAsync(statement, cancellationToken);
            return DeleteResult.Success;
        }
        catch (Exception exception) when (Classify(exception, request.Address) is { } error)
        {
            return new DeleteResult(error);
        }
    }

    public async ValueTask<InvokeResult> InvokeAsync(InvokeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Inputs.Kind != ValueKind.Map)
        {
            return new InvokeResult { Error = ProviderError.Permanent($"{request.Action}: the inputs must be a map") };
        }

        var inputs = request.Inputs.AsMap();
        try
        {
            return request.Action switch
            {
                PostgresSchema.DumpAction => await _dumps.DumpAsync(inputs, cancellationToken),
                PostgresSchema.RestoreAction => await _dumps.RestoreAsync(inputs, cancellationToken),
                PostgresSchema.SqlAction => await _sql.InvokeAsync(inputs, cancellationToken),
                _ => new InvokeResult { Error = ProviderError.Permanent($"the postgres provider has no action \"{request.Action}\"") },
            };
        }
        catch (Exception exception) when (Classify(exception, request.Action) is { } error)
        {
            return new InvokeResult { Error = error };
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            // The dump file or the program itself: a full disk, a directory in the file's place, a program that will not start.
            return new InvokeResult { Error = ProviderError.Permanent($"{request.Action}: {exception.Message}") };
        }
    }

    public ValueTask DisposeAsync() => _connections.DisposeAsync();

    private async Task<ReadResult> ReadByIdentityAsync(
        ReadRequest request, ImmutableSortedDictionary<string, Value> inputs, ImmutableSortedDictionary<string, Value> attributes, CancellationToken cancellationToken)
    {
        // What the stack asked for comes first: a read reports the privileges in the stack's own words while the server matches them.
        var given = inputs.IsEmpty ? attributes : inputs;
        try
        {
            if (request.Type == PostgresSchema.GrantType)
            {
                var grant = GrantSpec.From(given) ?? GrantSpec.From(attributes) ?? (request.Id is { } id ? GrantSpec.FromId(id) : null);
                return grant is not null && await _grants.ReadAsync(grant, cancellationToken) is { } found
                    ? ReadResult.Found(grant.Id, found)
                    : ReadResult.Gone;
            }

            var extension = ExtensionSpec.From(given) ?? ExtensionSpec.From(attributes) ?? (request.Id is { } extensionId ? ExtensionSpec.FromId(extensionId) : null);
            return extension is not null && await _extensions.ReadAsync(extension, cancellationToken) is { } installed
                ? ReadResult.Found(extension.Id, installed)
                : ReadResult.Gone;
        }
        catch (Exception exception) when (Classify(exception, request.Address) is { } error)
        {
            return ReadResult.Failure(error);
        }
    }

    private async Task<DeleteResult> DeleteByIdentityAsync(DeleteRequest request, CancellationToken cancellationToken)
    {
        var attributes = MapValues.Of(request.Attributes);
        try
        {
            if (request.Type == PostgresSchema.GrantType)
            {
                if ((GrantSpec.From(attributes) ?? GrantSpec.FromId(request.Id)) is { } grant)
                {
                    await _grants.RevokeAsync(grant, cancellationToken);
                }
            }
            else if ((ExtensionSpec.From(attributes) ?? ExtensionSpec.FromId(request.Id)) is { } extension)
            {
                await _extensions.DropAsync(extension, cancellationToken);
            }

            return DeleteResult.Success;
        }
        catch (Exception exception) when (Classify(exception, request.Address) is { } error)
        {
            return new DeleteResult(error);
        }
    }

    private async Task<ResourceResult> CreateDatabaseAsync(ImmutableSortedDictionary<string, Value> inputs, CancellationToken cancellationToken)
    {
        var name = MapValues.Text(inputs, "name")!;
        var encoding = MapValues.Text(inputs, "encoding") ?? "UTF8";
        var template = MapValues.Text(inputs, "template") ?? "template0";
        var owner = MapValues.Text(inputs, "owner");
        if (await ReadDatabaseAsync(name, template, cancellationToken) is null)
        {
            var statement = $"CREATE DATABASE {SqlText.Identifier(name)} TEMPLATE {SqlText.Identifier(template)} ENCODING {SqlText.Literal(encoding)}"
                + (owner is null ? string.Empty : $" OWNER {SqlText.Identifier(owner)}");
            try
            {
                await ExecuteAsync(statement, cancellationToken);
            }
            catch (PostgresException exception) when (exception.SqlState == DuplicateDatabase)
            {
                // Made by a concurrent create of the same resource: adopted below.
            }
        }

        var database = await ReadDatabaseAsync(name, template, cancellationToken);
        return database is null
            ? ResourceResult.Failure(ProviderError.Transient($"the database \"{name}\" vanished right after it was created"))
            : ResourceResult.Success(name, database);
    }

    private async Task<ResourceResult> CreateRoleAsync(ImmutableSortedDictionary<string, Value> inputs, CancellationToken cancellationToken)
    {
        var name = MapValues.Text(inputs, "name")!;
        var password = MapValues.Text(inputs, "password") ?? SqlText.NewPassword();
        var options = $"{(Login(inputs) ? "LOGIN" : "NOLOGIN")} PASSWORD {SqlText.Literal(password)}";
        try
        {
            await ExecuteAsync($"CREATE ROLE {SqlText.Identifier(name)} WITH {options}", cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == DuplicateObject)
        {
            // The role exists (a retried create): adopt it with the password now in the attributes, so it works.
            await ExecuteAsync($"ALTER ROLE {SqlText.Identifier(name)} WITH {options}", cancellationToken);
        }

        var role = await ReadRoleAsync(name, password, cancellationToken);
        return role is null
            ? ResourceResult.Failure(ProviderError.Transient($"the role \"{name}\" vanished right after it was created"))
            : ResourceResult.Success(name, role);
    }

    private async Task<Value?> ReadDatabaseAsync(string name, string template, CancellationToken cancellationToken)
    {
        await using var command = _connections.Home.CreateCommand(
            "SELECT pg_get_userbyid(datdba), pg_encoding_to_char(encoding) FROM pg_database WHERE datname = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return Value.Map(
        [
            new("id", Value.String(name)),
            new("name", Value.String(name)),
            new("owner", Value.String(reader.GetString(0))),
            new("encoding", Value.String(reader.GetString(1))),
            new("template", Value.String(template)),
            new("connection_string", Value.String(_settings.ConnectionString(database: name, forOutput: true)).AsSensitive()),
        ]);
    }

    private async Task<Value?> ReadRoleAsync(string name, string? password, CancellationToken cancellationToken)
    {
        await using var command = _connections.Home.CreateCommand("SELECT rolcanlogin FROM pg_roles WHERE rolname = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return Value.Map(
        [
            new("id", Value.String(name)),
            new("name", Value.String(name)),
            new("login", Value.Bool(reader.GetBoolean(0))),
            new("password", (password is null ? Value.Null : Value.String(password)).AsSensitive()),
            new("connection_string", Value.String(_settings.ConnectionString(user: name, password: password, forOutput: true)).AsSensitive()),
        ]);
    }

    private async Task ExecuteAsync(string statement, CancellationToken cancellationToken)
    {
        await using var command = _connections.Home.CreateCommand(statement);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Turns a failure talking to the server into a provider error; null for a bug, which propagates.</summary>
    private ProviderError? Classify(Exception exception, string address)
    {
        var server = $"{_settings.Host}:{_settings.Port}";
        return exception switch
        {
            PostgresException { SqlState: "28P01" or "28000" } postgres => ProviderError.Permanent(
                $"{address}: PostgreSQL at {server} refused the user \"{_settings.User}\": {postgres.MessageText}; check the provider's user and password"),
            PostgresException postgres => ProviderError.Permanent($"{address}: PostgreSQL at {server}: {postgres.MessageText}"),
            NpgsqlException { InnerException: SocketException or TimeoutException or IOException } npgsql => ProviderError.Transient(
                $"{address}: cannot reach PostgreSQL at {server}: {npgsql.InnerException!.Message}"),
            NpgsqlException npgsql => npgsql.IsTransient
                ? ProviderError.Transient($"{address}: PostgreSQL at {server}: {npgsql.Message}")
                : ProviderError.Permanent($"{address}: PostgreSQL at {server}: {npgsql.Message}"),
            SocketException socket => ProviderError.Transient($"{address}: cannot reach PostgreSQL at {server}: {socket.Message}"),
            TimeoutException timeout => ProviderError.Transient($"{address}: PostgreSQL at {server}: {timeout.Message}"),
            _ => null,
        };
    }

    private static ProviderError? Problem(string type, string address, Value inputs)
    {
        var diagnostics = Check(type, address, inputs);
        if (!diagnostics.IsEmpty)
        {
            return ProviderError.Permanent($"{address}: {string.Join("; ", diagnostics.Select(d => d.Message))}");
        }

        return inputs.IsWhollyKnown ? null : ProviderError.Permanent($"{address}: the inputs are not all known");
    }

    private static ImmutableArray<Diagnostic> Check(string type, string address, Value inputs)
    {
        if (PostgresSchema.Provider.ResourceType(type) is null)
        {
            return [Diagnostic.Error(InvalidInputCode, $"the postgres provider has no resource type \"{type}\"") with { Subject = address }];
        }

        if (inputs.Kind != ValueKind.Map)
        {
            return [];
        }

        var map = inputs.AsMap();
        var errors = type switch
        {
            PostgresSchema.GrantType => GrantSpec.Problems(map),
            PostgresSchema.ExtensionType => ExtensionSpec.Problems(map),
            _ => DatabaseOrRoleProblems(map),
        };
        return [.. errors.Select(error => Diagnostic.Error(InvalidInputCode, error) with { Subject = address })];
    }

    private static List<string> DatabaseOrRoleProblems(ImmutableSortedDictionary<string, Value> map)
    {
        var errors = new List<string>();
        foreach (var attribute in (string[])["name", "owner", "template", "password"])
        {
            if (!map.TryGetValue(attribute, out var value) || !value.IsKnown || value.Kind == ValueKind.Null)
            {
                continue;
            }

            if (value.Kind != ValueKind.String)
            {
                errors.Add($"{attribute} must be a string");
            }
            else if ((attribute == "password" ? PasswordProblem(value.AsString()) : SqlText.IdentifierProblem(value.AsString())) is { } problem)
            {
                errors.Add($"{attribute} {problem}");
            }
        }

        if (map.TryGetValue("encoding", out var encoding) && encoding.Kind == ValueKind.String
            && (encoding.AsString().Length == 0 || !encoding.AsString().All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')))
        {
            errors.Add("encoding must be an encoding name such as UTF8");
        }

        return errors;
    }

    private static string? PasswordProblem(string password) =>
        password.Contains('\0', StringComparison.Ordinal) ? "must not contain a NUL character" : null;

    private static bool Login(ImmutableSortedDictionary<string, Value> inputs) =>
        !inputs.TryGetValue("login", out var value) || value.Kind != ValueKind.Bool || value.AsBool();
}
