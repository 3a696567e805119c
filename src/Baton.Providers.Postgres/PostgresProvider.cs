using System.Collections.Immutable;
using System.Net.Sockets;
using Baton.Diagnostics;
using Baton.Values;
using Npgsql;

namespace Baton.Providers.Postgres;

/// <summary>
/// Databases and roles on one PostgreSQL server. A resource's id is its name, so a create whose object already exists
/// adopts it (the engine retries a create after a crash with the same inputs). Statements that cannot take parameters
/// quote identifiers and literals through <see cref="SqlText"/>; everything else is sent as parameters.
/// </summary>
internal sealed class PostgresProvider(PostgresSettings settings) : IProvider
{
    public const string InvalidInputCode = "BT5601";

    private const string DuplicateDatabase = "42P04";
    private const string DuplicateObject = "42710";

    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(settings.ConnectionString());

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
            return request.Type == PostgresSchema.DatabaseType
                ? await CreateDatabaseAsync(request.Inputs.AsMap(), cancellationToken)
                : await CreateRoleAsync(request.Inputs.AsMap(), cancellationToken);
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

        var inputs = request.Inputs is { Kind: ValueKind.Map } i ? i.AsMap() : ImmutableSortedDictionary<string, Value>.Empty;
        var attributes = request.Attributes is { Kind: ValueKind.Map } a ? a.AsMap() : ImmutableSortedDictionary<string, Value>.Empty;
        var name = request.Id ?? Text(inputs, "name");
        if (name is null)
        {
            return ReadResult.Gone;
        }

        try
        {
            if (request.Type == PostgresSchema.DatabaseType)
            {
                var template = Text(attributes, "template") ?? Text(inputs, "template") ?? "template0";
                return await ReadDatabaseAsync(name, template, cancellationToken) is { } found ? ReadResult.Found(name, found) : ReadResult.Gone;
            }

            var password = Text(attributes, "password") ?? Text(inputs, "password");
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
        var prior = request.PriorAttributes is { Kind: ValueKind.Map } p ? p.AsMap() : ImmutableSortedDictionary<string, Value>.Empty;
        try
        {
            if (request.Type == PostgresSchema.DatabaseType)
            {
                var template = Text(prior, "template") ?? Text(inputs, "template") ?? "template0";
                if (Text(inputs, "owner") is { } owner)
                {
                    await ExecuteAsync($"ALTER DATABASE {SqlText.Identifier(request.Id)} OWNER TO {SqlText.Identifier(owner)}", cancellationToken);
                }

                return await ReadDatabaseAsync(request.Id, template, cancellationToken) is { } database
                    ? ResourceResult.Success(request.Id, database)
                    : ResourceResult.Failure(ProviderError.Permanent($"{request.Address}: the database \"{request.Id}\" no longer exists"));
            }

            var password = Text(inputs, "password") ?? Text(prior, "password") ?? SqlText.NewPassword();
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

    public ValueTask<InvokeResult> InvokeAsync(InvokeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ValueTask.FromResult(new InvokeResult { Error = ProviderError.Permanent($"the postgres provider has no action \"{request.Action}\"") });
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private async Task<ResourceResult> CreateDatabaseAsync(ImmutableSortedDictionary<string, Value> inputs, CancellationToken cancellationToken)
    {
        var name = Text(inputs, "name")!;
        var encoding = Text(inputs, "encoding") ?? "UTF8";
        var template = Text(inputs, "template") ?? "template0";
        var owner = Text(inputs, "owner");
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
        var name = Text(inputs, "name")!;
        var password = Text(inputs, "password") ?? SqlText.NewPassword();
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
        await using var command = _dataSource.CreateCommand(
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
            new("connection_string", Value.String(settings.ConnectionString(database: name, forOutput: true)).AsSensitive()),
        ]);
    }

    private async Task<Value?> ReadRoleAsync(string name, string? password, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT rolcanlogin FROM pg_roles WHERE rolname = $1");
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
            new("connection_string", Value.String(settings.ConnectionString(user: name, password: password, forOutput: true)).AsSensitive()),
        ]);
    }

    private async Task ExecuteAsync(string statement, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(statement);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Turns a failure talking to the server into a provider error; null for a bug, which propagates.</summary>
    private ProviderError? Classify(Exception exception, string address)
    {
        var server = $"{settings.Host}:{settings.Port}";
        return exception switch
        {
            PostgresException { SqlState: "28P01" or "28000" } postgres => ProviderError.Permanent(
                $"{address}: PostgreSQL at {server} refused the user \"{settings.User}\": {postgres.MessageText}; check the provider's user and password"),
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

        var errors = new List<string>();
        var map = inputs.AsMap();
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

        return [.. errors.Select(error => Diagnostic.Error(InvalidInputCode, error) with { Subject = address })];
    }

    private static string? PasswordProblem(string password) =>
        password.Contains('\0', StringComparison.Ordinal) ? "must not contain a NUL character" : null;

    private static string? Text(ImmutableSortedDictionary<string, Value> map, string name) =>
        map.TryGetValue(name, out var value) && value.Kind == ValueKind.String ? value.AsString() : null;

    private static bool Login(ImmutableSortedDictionary<string, Value> inputs) =>
        !inputs.TryGetValue("login", out var value) || value.Kind != ValueKind.Bool || value.AsBool();
}
