using System.Collections.Immutable;
using System.Text;
using Baton.Values;

namespace Baton.Providers.Postgres;

/// <summary>
/// One <c>postgres.grant</c>: the privileges <see cref="Role"/> holds on a database, a schema or all tables in a
/// schema. Its id names the object and the role with quoted identifiers (<c>"app" on tables "shop"."public"</c>), so
/// a read or delete that has only the id still knows what it is about.
/// </summary>
internal sealed record GrantSpec
{
    public required string Role { get; init; }

    public required string Database { get; init; }

    public required GrantScope On { get; init; }

    public string? Schema { get; init; }

    /// <summary>The privileges meant, expanded and in report order; empty when only the id is known.</summary>
    public ImmutableArray<string> Privileges { get; init; } = [];

    /// <summary>The <c>privileges</c> value as the stack wrote it, reported back while the server matches it.</summary>
    public Value? GivenPrivileges { get; init; }

    public bool DefaultPrivileges { get; init; }

    public string Id =>
        $"{SqlText.Identifier(Role)} on {ScopeName(On)} {SqlText.Identifier(Database)}"
        + (Schema is null ? string.Empty : "." + SqlText.Identifier(Schema));

    /// <summary>The object as GRANT and REVOKE name it; a tables grant runs connected to its database.</summary>
    public string ObjectSql => On switch
    {
        GrantScope.Database => "DATABASE " + SqlText.Identifier(Database),
        GrantScope.Schema => "SCHEMA " + SqlText.Identifier(Schema!),
        _ => "ALL TABLES IN SCHEMA " + SqlText.Identifier(Schema!),
    };

    public static string ScopeName(GrantScope scope) => scope switch
    {
        GrantScope.Database => "database",
        GrantScope.Schema => "schema",
        _ => "tables",
    };

    public static GrantScope? ParseScope(string text) => text switch
    {
        "database" => GrantScope.Database,
        "schema" => GrantScope.Schema,
        "tables" => GrantScope.Tables,
        _ => null,
    };

    /// <summary>What is wrong with grant inputs, which may hold unknown values.</summary>
    public static List<string> Problems(ImmutableSortedDictionary<string, Value> map)
    {
        var errors = new List<string>();
        foreach (var name in (string[])["role", "database", "schema"])
        {
            if (MapValues.Known(map, name) is not { } value)
            {
                continue;
            }

            if (value.Kind != ValueKind.String)
            {
                errors.Add($"{name} must be a string");
            }
            else if (SqlText.IdentifierProblem(value.AsString()) is { } problem)
            {
                errors.Add($"{name} {problem}");
            }
        }

        GrantScope? scope = GrantScope.Database;
        if (map.TryGetValue("on", out var on) && on.Kind != ValueKind.Null)
        {
            scope = !on.IsKnown ? null
                : on.Kind == ValueKind.String ? ParseScope(on.AsString())
                : null;
            if (on.IsKnown && scope is null)
            {
                errors.Add("on must be \"database\", \"schema\" or \"tables\"");
            }
        }

        if (scope is { } known)
        {
            var schemaGiven = map.TryGetValue("schema", out var schema) && schema.Kind != ValueKind.Null;
            if (known == GrantScope.Database && schemaGiven)
            {
                errors.Add("schema is only for a grant on \"schema\" or \"tables\"; leave it out for a database grant");
            }
            else if (known != GrantScope.Database && !schemaGiven)
            {
                errors.Add($"schema is required for a grant on \"{ScopeName(known)}\"");
            }

            if (known != GrantScope.Tables && MapValues.Known(map, "default_privileges") is { Kind: ValueKind.Bool } d && d.AsBool())
            {
                errors.Add("default_privileges is only for a grant on \"tables\"");
            }
        }

        if (MapValues.Known(map, "privileges") is { } privileges)
        {
            if (privileges.Kind != ValueKind.List)
            {
                errors.Add("privileges must be a list of privilege names");
            }
            else if (privileges.AsList().IsEmpty)
            {
                errors.Add("privileges must name at least one privilege");
            }
            else
            {
                foreach (var item in privileges.AsList().Where(i => i.IsKnown))
                {
                    if (item.Kind != ValueKind.String)
                    {
                        errors.Add($"privileges: {item} is not a privilege name");
                    }
                    else if (scope is { } s && GrantPrivileges.Canonical(item.AsString(), s) is null)
                    {
                        errors.Add($"privileges: \"{item.AsString()}\" is not a privilege on {ScopeName(s)} ({GrantPrivileges.Describe(s)})");
                    }
                }
            }
        }

        return errors;
    }

    /// <summary>The grant that known inputs (or attributes) describe; null when role or database is missing.</summary>
    public static GrantSpec? From(ImmutableSortedDictionary<string, Value> map)
    {
        var role = MapValues.Text(map, "role");
        var database = MapValues.Text(map, "database");
        if (role is null || database is null)
        {
            return null;
        }

        var scope = MapValues.Text(map, "on") is { } on ? ParseScope(on) ?? GrantScope.Database : GrantScope.Database;
        var given = MapValues.Known(map, "privileges") is { Kind: ValueKind.List } list ? list : null;
        return new GrantSpec
        {
            Role = role,
            Database = database,
            On = scope,
            Schema = scope == GrantScope.Database ? null : MapValues.Text(map, "schema"),
            Privileges = given is null ? [] : GrantPrivileges.Expand(given.AsList().Where(i => i.Kind == ValueKind.String).Select(i => i.AsString()), scope),
            GivenPrivileges = given,
            DefaultPrivileges = scope == GrantScope.Tables && MapValues.Flag(map, "default_privileges") == true,
        };
    }

    /// <summary>The grant an id names, without privileges; null when <paramref name="id"/> is not a grant id.</summary>
    public static GrantSpec? FromId(string id)
    {
        var position = 0;
        if (ReadIdentifier(id, ref position) is not { } role || !Expect(id, ref position, " on "))
        {
            return null;
        }

        var space = id.IndexOf(' ', position);
        if (space < 0 || ParseScope(id[position..space]) is not { } scope)
        {
            return null;
        }

        position = space + 1;
        if (ReadIdentifier(id, ref position) is not { } database)
        {
            return null;
        }

        string? schema = null;
        if (scope != GrantScope.Database && (!Expect(id, ref position, ".") || (schema = ReadIdentifier(id, ref position)) is null))
        {
            return null;
        }

        return position == id.Length ? new GrantSpec { Role = role, Database = database, On = scope, Schema = schema } : null;
    }

    private static bool Expect(string text, ref int position, string expected)
    {
        if (string.CompareOrdinal(text, position, expected, 0, expected.Length) != 0)
        {
            return false;
        }

        position += expected.Length;
        return true;
    }

    private static string? ReadIdentifier(string text, ref int position)
    {
        if (position >= text.Length || text[position] != '"')
        {
            return null;
        }

        var builder = new StringBuilder();
        for (var i = position + 1; i < text.Length; i++)
        {
            if (text[i] != '"')
            {
                builder.Append(text[i]);
            }
            else if (i + 1 < text.Length && text[i + 1] == '"')
            {
                builder.Append('"');
                i++;
            }
            else
            {
                position = i + 1;
                return builder.ToString();
            }
        }

        return null;
    }
}
