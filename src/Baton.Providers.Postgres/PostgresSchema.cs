using Baton.Runtime;
using Baton.Values;

namespace Baton.Providers.Postgres;

/// <summary>The schema of the postgres family. Every default is written here.</summary>
internal static class PostgresSchema
{
    public const string DatabaseType = "postgres.database";
    public const string RoleType = "postgres.role";
    public const string GrantType = "postgres.grant";
    public const string ExtensionType = "postgres.extension";
    public const string DumpAction = "postgres.dump";
    public const string RestoreAction = "postgres.restore";
    public const string SqlAction = "postgres.sql";

    /// <summary>The most rows postgres.sql returns.</summary>
    public const int MaxRows = 10_000;

    public static ResourceTypeSchema Database { get; } = new()
    {
        Type = DatabaseType,
        Description = "A database on the provider's PostgreSQL server; its id is its name.",
        Attributes =
        [
            AttributeSchema.Input("name", BatonType.String, "The database's name (any characters but NUL, at most 63 bytes).") with { Required = true, ForceNew = true },
            AttributeSchema.Input("owner", BatonType.String, "The owning role; the provider's user when left out. A different owner on the server is drift.") with { Optional = true, Computed = true },
            AttributeSchema.Input("encoding", BatonType.String, "The character encoding.") with { Default = Value.String("UTF8"), ForceNew = true },
            AttributeSchema.Input("template", BatonType.String, "The template database copied at creation.") with { Default = Value.String("template0"), ForceNew = true },
            AttributeSchema.Output("id", BatonType.String, "The database's name."),
            AttributeSchema.Output("connection_string", BatonType.String, "An Npgsql connection string to the database as the provider's user.") with { Sensitive = true },
        ],
    };

    public static ResourceTypeSchema Role { get; } = new()
    {
        Type = RoleType,
        Description = "A role on the provider's PostgreSQL server; its id is its name.",
        Attributes =
        [
            AttributeSchema.Input("name", BatonType.String, "The role's name (any characters but NUL, at most 63 bytes).") with { Required = true, ForceNew = true },
            AttributeSchema.Input("login", BatonType.Bool, "Whether the role may log in.") with { Default = Value.True },
            AttributeSchema.Input("password", BatonType.String, "The role's password; 32 random characters when left out. A changed password is rotated with ALTER ROLE.") with { Optional = true, Computed = true, Sensitive = true },
            AttributeSchema.Output("id", BatonType.String, "The role's name."),
            AttributeSchema.Output("connection_string", BatonType.String, "An Npgsql connection string as this role to the provider's database.") with { Sensitive = true },
        ],
    };

    public static ResourceTypeSchema Grant { get; } = new()
    {
        Type = GrantType,
        Description = "The privileges a role holds on a database, a schema, or all tables in a schema. Authoritative for that role on that object: "
            + "the privileges not listed are revoked, and a privilege revoked or added outside Baton is drift. Delete revokes.",
        Attributes =
        [
            AttributeSchema.Input("role", BatonType.String, "The role that receives the privileges.") with { Required = true, ForceNew = true },
            AttributeSchema.Input("database", BatonType.String, "The database (the object itself for on = database, else where the schema lives).") with { Required = true, ForceNew = true },
            AttributeSchema.Input("on", BatonType.String, "What is granted on: database, schema, or tables (every table, view and materialized view in the schema when applied).")
                with { Default = Value.String("database"), ForceNew = true },
            AttributeSchema.Input("schema", BatonType.String, "The schema, for on = schema or tables.") with { ForceNew = true },
            AttributeSchema.Input("privileges", BatonType.ListOf(BatonType.String), "Privilege names, case-insensitive: CONNECT, CREATE, TEMPORARY on a database; USAGE, CREATE on a schema; "
                + "SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER on tables; ALL for every one of the scope. Any other name is an error.") with { Required = true },
            AttributeSchema.Input("default_privileges", BatonType.Bool, "For on = tables: also grant the privileges on tables the provider's user creates in the schema later (ALTER DEFAULT PRIVILEGES).")
                with { Default = Value.False },
            AttributeSchema.Output("id", BatonType.String, "The role and object, as quoted identifiers: \"app\" on tables \"shop\".\"public\"."),
        ],
    };

    public static ResourceTypeSchema Extension { get; } = new()
    {
        Type = ExtensionType,
        Description = "An extension installed in a database (CREATE EXTENSION IF NOT EXISTS); delete drops it, without CASCADE.",
        Attributes =
        [
            AttributeSchema.Input("name", BatonType.String, "The extension, as in pg_available_extensions (pgcrypto, citext, hstore, …).") with { Required = true, ForceNew = true },
            AttributeSchema.Input("database", BatonType.String, "The database to install it in.") with { Required = true, ForceNew = true },
            AttributeSchema.Input("schema", BatonType.String, "The schema for its objects; the server's choice when left out. A change moves it (ALTER EXTENSION … SET SCHEMA).")
                with { Optional = true, Computed = true },
            AttributeSchema.Input("version", BatonType.String, "The version; the default version when left out. A change updates it (ALTER EXTENSION … UPDATE TO).")
                with { Optional = true, Computed = true },
            AttributeSchema.Output("id", BatonType.String, "The database and extension, as quoted identifiers: \"shop\".\"citext\"."),
        ],
    };

    public static ActionSchema Dump { get; } = new()
    {
        Name = DumpAction,
        Description = "Dumps a database with pg_dump into a file under dump_root. The dump is written next to the file and renamed over it only when pg_dump succeeds.",
        Inputs =
        [
            AttributeSchema.Input("database", BatonType.String, "The database to dump.") with { Required = true },
            AttributeSchema.Input("file", BatonType.String, "The dump file, relative to the stack directory; it must resolve inside dump_root. An existing file is replaced.") with { Required = true },
            AttributeSchema.Input("format", BatonType.String, "custom, tar or plain (SQL text; postgres.restore takes custom and tar).") with { Default = Value.String("custom") },
        ],
        Outputs =
        [
            AttributeSchema.Output("file", BatonType.String, "The dump file's absolute path."),
            AttributeSchema.Output("bytes", BatonType.Int, "Its size."),
            AttributeSchema.Output("sha256", BatonType.String, "Its SHA-256, lower-case hex."),
        ],
    };

    public static ActionSchema Restore { get; } = new()
    {
        Name = RestoreAction,
        Description = "Restores a custom or tar dump under dump_root with pg_restore, in one transaction, into a database that is created when missing.",
        Inputs =
        [
            AttributeSchema.Input("file", BatonType.String, "The dump file, relative to the stack directory; it must resolve inside dump_root.") with { Required = true },
            AttributeSchema.Input("database", BatonType.String, "The database to restore into.") with { Required = true },
            AttributeSchema.Input("owner", BatonType.String, "The role that owns a database this action creates and every restored object; the dump's owners when left out."),
            AttributeSchema.Input("clean", BatonType.Bool, "Drop the dump's objects before recreating them.") with { Default = Value.False },
        ],
        Outputs =
        [
            AttributeSchema.Output("database", BatonType.String, "The database restored into."),
            AttributeSchema.Output("created", BatonType.Bool, "Whether this action created the database."),
            AttributeSchema.Output("tables", BatonType.Int, "How many tables the database holds afterwards, system schemas left out."),
        ],
    };

    public static ActionSchema Sql { get; } = new()
    {
        Name = SqlAction,
        Description = "Runs one SQL statement. Parameters are sent separately as $1, $2, … (never spliced into the text), with their types inferred by the server.",
        Inputs =
        [
            AttributeSchema.Input("database", BatonType.String, "The database; the provider's when left out."),
            AttributeSchema.Input("query", BatonType.String, "The statement, with $1, $2, … for the parameters.") with { Required = true },
            AttributeSchema.Input("params", BatonType.AnyList, "The parameter values: strings, numbers, bools, null; lists and maps are sent as JSON text."),
            AttributeSchema.Input("max_rows", BatonType.Int, "The most rows returned (at most 10000); more set truncated.") with { Default = Value.Number(MaxRows) },
        ],
        Outputs =
        [
            AttributeSchema.Output("rows", BatonType.ListOf(BatonType.AnyMap), "The rows, each a map of column to value: numbers, bools, strings (dates and times as ISO 8601, bytea as base64), lists for arrays, json as values; sensitive when any input is."),
            AttributeSchema.Output("columns", BatonType.ListOf(BatonType.String), "The column names in order."),
            AttributeSchema.Output("row_count", BatonType.Int, "The rows returned, or for a statement without rows those it affected."),
            AttributeSchema.Output("truncated", BatonType.Bool, "Whether more rows than max_rows were left out."),
        ],
    };

    public static ProviderSchema Provider { get; } = new()
    {
        Family = "postgres",
        Description = "Databases, roles, grants and extensions on a PostgreSQL server (Npgsql); dump, restore and SQL actions.",
        Configuration =
        [
            ConfinedRoots.OutsideStackSchema,
            AttributeSchema.Input("host", BatonType.String, "The server's host.") with { Default = Value.String("127.0.0.1") },
            AttributeSchema.Input("port", BatonType.Int, "The server's port.") with { Default = Value.Number(5432) },
            AttributeSchema.Input("user", BatonType.String, "The user the provider connects as.") with { Default = Value.String("postgres") },
            AttributeSchema.Input("password", BatonType.String, "That user's password.") with { Sensitive = true },
            AttributeSchema.Input("database", BatonType.String, "The database the provider connects to.") with { Default = Value.String("postgres") },
            AttributeSchema.Input("sslmode", BatonType.String, "prefer, disable or require.") with { Default = Value.String("prefer") },
            AttributeSchema.Input("dump_root", BatonType.String, "The directory (relative to the stack directory) that postgres.dump writes in and postgres.restore reads from; "
                + "the actions refuse any file that resolves outside it, and refuse to run when it is not set."),
            AttributeSchema.Input("bin_dir", BatonType.String, "Where pg_dump and pg_restore are; looked for with pg_config --bindir, then in /usr/lib/postgresql/*/bin, then on PATH when left out."),
        ],
        ResourceTypes = [Database, Role, Grant, Extension],
        Actions = [Dump, Restore, Sql],
    };
}
