using Microsoft.Data.Sqlite;

namespace Baton.State.Sqlite;

/// <summary>A command prepared once on a connection and run many times with new parameter values.</summary>
internal sealed class Statement : IDisposable
{
    private readonly SqliteCommand _command;
    private readonly SqliteParameter[] _parameters;

    public Statement(SqliteConnection connection, string sql, params string[] parameterNames)
    {
        _command = connection.CreateCommand();
        _command.CommandText = sql;
        _parameters = new SqliteParameter[parameterNames.Length];
        for (var i = 0; i < parameterNames.Length; i++)
        {
            _parameters[i] = _command.Parameters.Add(new SqliteParameter("$" + parameterNames[i], DBNull.Value));
        }
    }

    /// <summary>Binds the statement to the connection's current transaction; parameters are then set with the indexer.</summary>
    public Statement On(SqliteTransaction? transaction)
    {
        _command.Transaction = transaction;
        return this;
    }

    /// <summary>Sets the first parameter, for one-parameter queries.</summary>
    public Statement With(object? value)
    {
        this[0] = value;
        return this;
    }

    public object? this[int index]
    {
        set => _parameters[index].Value = value ?? DBNull.Value;
    }

    public int Execute() => _command.ExecuteNonQuery();

    public object? Scalar() => _command.ExecuteScalar();

    public SqliteDataReader Query() => _command.ExecuteReader();

    public void Dispose() => _command.Dispose();
}
