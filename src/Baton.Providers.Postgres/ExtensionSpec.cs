using System.Collections.Immutable;
using Baton.Values;

namespace Baton.Providers.Postgres;

/// <summary>One <c>postgres.extension</c>. Its id is <c>"database"."extension"</c> with quoted identifiers.</summary>
internal sealed record ExtensionSpec(string Name, string Database, string? Schema, string? Version)
{
    public string Id => SqlText.Identifier(Database) + "." + SqlText.Identifier(Name);

    /// <summary>What is wrong with extension inputs, which may hold unknown values.</summary>
    public static List<string> Problems(ImmutableSortedDictionary<string, Value> map)
    {
        var errors = new List<string>();
        foreach (var name in (string[])["name", "database", "schema", "version"])
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

        return errors;
    }

    /// <summary>The extension that known inputs (or attributes) describe; null when the name or database is missing.</summary>
    public static ExtensionSpec? From(ImmutableSortedDictionary<string, Value> map) =>
        MapValues.Text(map, "name") is { } name && MapValues.Text(map, "database") is { } database
            ? new ExtensionSpec(name, database, MapValues.Text(map, "schema"), MapValues.Text(map, "version"))
            : null;

    /// <summary>The extension an id names; null when <paramref name="id"/> is not an extension id.</summary>
    public static ExtensionSpec? FromId(string id)
    {
        // "database"."name": the separating dot is the one after an odd run of quotes that closes the first identifier.
        if (id.Length < 5 || id[0] != '"' || id[^1] != '"')
        {
            return null;
        }

        for (var i = 1; i < id.Length - 1; i++)
        {
            if (id[i] != '"')
            {
                continue;
            }

            if (id[i + 1] == '"')
            {
                i++;
                continue;
            }

            if (id[i + 1] != '.' || i + 2 >= id.Length || id[i + 2] != '"')
            {
                return null;
            }

            var database = id[1..i].Replace("\"\"", "\"", StringComparison.Ordinal);
            var name = id[(i + 3)..^1];
            return name.Replace("\"\"", string.Empty, StringComparison.Ordinal).Contains('"', StringComparison.Ordinal)
                ? null
                : new ExtensionSpec(name.Replace("\"\"", "\"", StringComparison.Ordinal), database, null, null);
        }

        return null;
    }
}
