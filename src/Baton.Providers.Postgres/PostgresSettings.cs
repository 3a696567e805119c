using Baton.Runtime;
using Baton.Values;
using Npgsql;

namespace Baton.Providers.Postgres;

/// <summary>The provider's connection settings, checked when the provider starts.</summary>
internal sealed record PostgresSettings
{
    public required string Host { get; init; }

    public required int Port { get; init; }

    public required string User { get; init; }

    public string? Password { get; init; }

    public required string Database { get; init; }

    public required SslMode SslMode { get; init; }

    /// <summary>Where dumps may be written and restored from; null when the setting is not given (the actions then refuse).</summary>
    public DumpRoot? DumpRoot { get; init; }

    /// <summary>Where pg_dump and pg_restore are; null to look for them.</summary>
    public string? BinDirectory { get; init; }

    public static PostgresSettings From(ProviderConfiguration configuration)
    {
        string Text(string name, string fallback)
        {
            var value = configuration.Setting(name);
            return value is null ? fallback
                : value.Kind == ValueKind.String ? value.AsString()
                : throw new ProviderConfigurationException(configuration.InstanceName, name, "must be a string");
        }

        var portValue = configuration.Setting("port");
        var port = 5432;
        if (portValue is not null)
        {
            var ok = portValue.Kind == ValueKind.Number ? (double)(int)portValue.AsNumber() == portValue.AsNumber() && (port = (int)portValue.AsNumber()) > 0
                : portValue.Kind == ValueKind.String && int.TryParse(portValue.AsString(), System.Globalization.CultureInfo.InvariantCulture, out port);
            if (!ok || port is < 1 or > 65535)
            {
                throw new ProviderConfigurationException(configuration.InstanceName, "port", "must be a port number (1..65535)");
            }
        }

        var sslMode = Text("sslmode", "prefer") switch
        {
            "prefer" => SslMode.Prefer,
            "disable" => SslMode.Disable,
            "require" => SslMode.Require,
            var other => throw new ProviderConfigurationException(configuration.InstanceName, "sslmode", $"\"{other}\" is not prefer, disable or require"),
        };
        var password = configuration.Setting("password");
        return new PostgresSettings
        {
            Host = Text("host", "127.0.0.1"),
            Port = port,
            User = Text("user", "postgres"),
            Password = password is null ? null : Text("password", string.Empty),
            Database = Text("database", "postgres"),
            SslMode = sslMode,
            DumpRoot = configuration.Setting("dump_root") is null ? null : ReadDumpRoot(configuration, Text("dump_root", string.Empty)),
            BinDirectory = configuration.Setting("bin_dir") is null ? null : Path.GetFullPath(Path.Combine(configuration.StackDirectory, Text("bin_dir", string.Empty))),
        };
    }

    private static DumpRoot ReadDumpRoot(ProviderConfiguration configuration, string text)
    {
        if (text.Trim().Length == 0 || text.Contains('\0', StringComparison.Ordinal))
        {
            throw new ProviderConfigurationException(configuration.InstanceName, "dump_root", "expected a directory path");
        }

        var confinement = ConfinedRoots.Read(configuration, "dump_root", [text], "dump_root");
        return new DumpRoot(confinement.BaseDirectory, confinement.Roots[0]);
    }

    public string ConnectionString(string? database = null, string? user = null, string? password = null, bool forOutput = false)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = Host,
            Port = Port,
            Username = user ?? User,
            Password = user is null ? Password : password,
            Database = database ?? Database,
            SslMode = SslMode,
        };
        if (!forOutput)
        {
            builder.Timeout = 15;
        }

        return builder.ConnectionString;
    }
}
