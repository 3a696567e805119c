using Baton.Values;

namespace Baton.Providers.Postgres;

/// <summary>The schema of the postgres family. Every default is written here.</summary>
internal static class PostgresSchema
{
    public const string DatabaseType = "postgres.database";
    public const string RoleType = "postgres.role";
    public const string GrantType = "postgres.grant";
    public const string ExtensionType = "postgres.extension";

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

    public static ProviderSchema Provider { get; } = new()
    {
        Family = "postgres",
        Description = "Databases, roles, grants and extensions on a PostgreSQL server (Npgsql).",
        Configuration =
        [
            AttributeSchema.Input("host", BatonType.String, "The server's host.") with { Default = Value.String("127.0.0.1") },
            AttributeSchema.Input("port", BatonType.Int, "The server's port.") with { Default = Value.Number(5432) },
            AttributeSchema.Input("user", BatonType.String, "The user the provider connects as.") with { Default = Value.String("postgres") },
            AttributeSchema.Input("password", BatonType.String, "That user's password.") with { Sensitive = true },
            AttributeSchema.Input("database", BatonType.String, "The database the provider connects to.") with { Default = Value.String("postgres") },
            AttributeSchema.Input("sslmode", BatonType.String, "prefer, disable or require.") with { Default = Value.String("prefer") },
        ],
        ResourceTypes = [Database, Role, Grant, Extension],
    };
}
