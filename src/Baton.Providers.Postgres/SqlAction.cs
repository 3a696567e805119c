using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Baton.Values;
using Npgsql;
using NpgsqlTypes;

namespace Baton.Providers.Postgres;

/// <summary>
/// <c>postgres.sql</c>: one statement with positional parameters. Every parameter goes as text of type unknown, so the
/// server infers its type from where it stands (<c>id = $1</c> makes it an integer) and nothing is ever spliced into
/// the statement. Results come back as Baton values, at most <c>max_rows</c> of them.
/// </summary>
internal sealed class SqlAction(PostgresConnections connections)
{
    private const double LargestExactInteger = 9007199254740992;

    public async Task<InvokeResult> InvokeAsync(ImmutableSortedDictionary<string, Value> inputs, CancellationToken cancellationToken)
    {
        const string Action = PostgresSchema.SqlAction;
        var errors = new List<string>();
        var query = ActionInputs.RequiredText(inputs, "query", errors);
        var database = MapValues.Known(inputs, "database") is null ? null : ActionInputs.Name(inputs, "database", errors);
        var maxRows = PostgresSchema.MaxRows;
        if (MapValues.Known(inputs, "max_rows") is { } limit)
        {
            if (limit.Kind != ValueKind.Number || !limit.IsInteger || limit.AsNumber() < 1 || limit.AsNumber() > PostgresSchema.MaxRows)
            {
                errors.Add($"max_rows must be a whole number from 1 to {PostgresSchema.MaxRows}");
            }
            else
            {
                maxRows = (int)limit.AsNumber();
            }
        }

        var parameters = new List<NpgsqlParameter>();
        if (MapValues.Known(inputs, "params") is { } given)
        {
            if (given.Kind != ValueKind.List)
            {
                errors.Add("params must be a list");
            }
            else
            {
                for (var i = 0; i < given.AsList().Length; i++)
                {
                    if (Parameter(given.AsList()[i]) is { } parameter)
                    {
                        parameters.Add(parameter);
                    }
                    else
                    {
                        errors.Add($"params[{i}] is not known");
                    }
                }
            }
        }

        if (query is not null && query.Contains('\0', StringComparison.Ordinal))
        {
            errors.Add("query must not contain a NUL character");
        }

        if (errors.Count > 0)
        {
            return ActionInputs.Failure(Action, errors);
        }

        await using var connection = await connections.OpenAsync(database, cancellationToken);
        await using var command = new NpgsqlCommand(query, connection);
        command.Parameters.AddRange(parameters.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<Value>();
        var columns = new List<string>();
        var truncated = false;
        if (reader.FieldCount > 0)
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                columns.Add(reader.GetName(i));
            }

            if (columns.GroupBy(c => c, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
            {
                return ActionInputs.Failure(Action, [$"the result has two columns named \"{duplicate.Key}\"; name them apart with AS"]);
            }

            while (await reader.ReadAsync(cancellationToken))
            {
                if (rows.Count == maxRows)
                {
                    truncated = true;
                    break;
                }

                var row = new KeyValuePair<string, Value>[reader.FieldCount];
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    row[i] = new(columns[i], reader.IsDBNull(i) ? Value.Null : FromDatabase(reader.GetValue(i), reader.GetDataTypeName(i)));
                }

                rows.Add(Value.Map(row));
            }
        }

        var hasRows = reader.FieldCount > 0;
        await reader.CloseAsync();
        return new InvokeResult
        {
            Outputs = Value.Map(
            [
                // Rows may echo a secret the statement was given; they stay as secret as their inputs.
                new("rows", inputs.Values.Any(v => v.ContainsSensitive) ? Value.List(rows).AsSensitive() : Value.List(rows)),
                new("columns", Value.List(columns.Select(Value.String))),
                new("row_count", Value.Number(hasRows ? rows.Count : Math.Max(0, reader.RecordsAffected))),
                new("truncated", Value.Bool(truncated)),
            ]),
        };
    }

    /// <summary>A parameter of type unknown holding the value as text; null for an unknown value.</summary>
    private static NpgsqlParameter? Parameter(Value value)
    {
        object? text = value.Kind switch
        {
            ValueKind.Null => DBNull.Value,
            ValueKind.String => value.AsString(),
            ValueKind.Number => Value.FormatNumber(value.AsNumber()),
            ValueKind.Bool => value.AsBool() ? "true" : "false",
            ValueKind.List or ValueKind.Map when value.IsWhollyKnown => ValueJson.ToJson(value, ValueJsonOptions.Plain),
            _ => null,
        };
        return text is null ? null : new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Unknown, Value = text };
    }

    private static Value FromDatabase(object value, string dataType) => value switch
    {
        DBNull => Value.Null,
        bool b => Value.Bool(b),
        short or int or byte or sbyte or ushort or uint => Value.Number(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
        long l => Math.Abs((double)l) <= LargestExactInteger ? Value.Number(l) : Value.String(l.ToString(CultureInfo.InvariantCulture)),
        ulong u => u <= LargestExactInteger ? Value.Number(u) : Value.String(u.ToString(CultureInfo.InvariantCulture)),
        float f => double.IsFinite(f) ? Value.Number(f) : Value.String(f.ToString(CultureInfo.InvariantCulture)),
        double d => double.IsFinite(d) ? Value.Number(d) : Value.String(d.ToString(CultureInfo.InvariantCulture)),
        decimal m => (decimal)(double)m == m ? Value.Number((double)m) : Value.String(m.ToString(CultureInfo.InvariantCulture)),
        string s when dataType is "json" or "jsonb" => Json(s),
        string s => Value.String(s),
        char c => Value.String(c.ToString()),
        Guid g => Value.String(g.ToString()),
        DateTime t when dataType == "date" => Value.String(t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        DateTime t => Value.String(t.ToString(t.Kind == DateTimeKind.Utc ? "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'" : "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture)),
        DateTimeOffset o => Value.String(o.ToString("O", CultureInfo.InvariantCulture)),
        DateOnly d => Value.String(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        TimeOnly t => Value.String(t.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture)),
        TimeSpan t => Value.String(t.ToString("c", CultureInfo.InvariantCulture)),
        byte[] bytes => Value.String(Convert.ToBase64String(bytes)),
        IDictionary<string, string?> map => Value.Map(map.Select(e => new KeyValuePair<string, Value>(e.Key, e.Value is null ? Value.Null : Value.String(e.Value)))),
        Array array => Value.List(array.Cast<object?>().Select(item => item is null ? Value.Null : FromDatabase(item, ElementType(dataType)))),
        _ => Value.String(Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty),
    };

    private static string ElementType(string dataType) => dataType.EndsWith("[]", StringComparison.Ordinal) ? dataType[..^2] : dataType;

    private static Value Json(string text)
    {
        try
        {
            return ValueJson.Parse(text, ValueJsonOptions.Plain);
        }
        catch (JsonException)
        {
            return Value.String(text);
        }
    }
}
