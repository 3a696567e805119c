using Baton.Values;

namespace Baton.Providers.Postgres;

/// <summary>The schema of the postgres family. Every default is written here.</summary>
internal static class PostgresSchema
{
    public const string DatabaseType = "postgres.database";
    public const string RoleType = "postgres.role";

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

    public static ProviderSchema Provider { get; } = new()
    {
        Family = "postgres",
        Description = "Databases and roles on a PostgreSQL server (Npgsql).",
        Configuration =
        [
            AttributeSchema.Input("host", BatonType.String, "The server's host.") with { Default = Value.String("127.0.0.1") },
            AttributeSchema.Input("port", BatonType.Int, "The server's port.") with { Default = Value.Number(5432) },
            AttributeSchema.Input("user", BatonType.String, "The user the provider connects as.") with { Default = Value.String("postgres") },
            AttributeSchema.Input("password", BatonType.String, "That user's password.") with { Sensitive = true },
            AttributeSchema.Input("database", BatonType.String, "The database the provider connects to.") with { Default = Value.String("postgres") },
            AttributeSchema.Input("sslmode", BatonType.String, "prefer, disable or require.") with { Default = Value.String("prefer") },
        ],
        ResourceTypes = [Database, Role],
    };
}
