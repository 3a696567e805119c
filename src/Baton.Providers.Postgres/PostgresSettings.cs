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

    /// <summary>Reads the settings; each one that is wrong adds a problem naming it to <paramref name="problems"/>, and the result is then null.</summary>
    public static PostgresSettings? From(ProviderConfiguration configuration, List<ProviderSettingProblem> problems)
    {
        var found = problems.Count;
        string Text(string name, string fallback) => configuration.TextSetting(name, problems) ?? fallback;

        var portValue = configuration.Setting("port");
        var port = 5432;
        if (portValue is not null)
        {
            var ok = portValue.Kind == ValueKind.Number ? (double)(int)portValue.AsNumber() == portValue.AsNumber() && (port = (int)portValue.AsNumber()) > 0
                : portValue.Kind == ValueKind.String && int.TryParse(portValue.AsString(), System.Globalization.CultureInfo.InvariantCulture, out port);
            if (!ok || port is < 1 or > 65535)
            {
                problems.Add(new ProviderSettingProblem("port", "must be a port number (1..65535)"));
            }
        }

        var sslMode = SslMode.Prefer;
        switch (Text("sslmode", "prefer"))
        {
            case "prefer":
                break;
            case "disable":
                sslMode = SslMode.Disable;
                break;
            case "require":
                sslMode = SslMode.Require;
                break;
            case var other:
                problems.Add(new ProviderSettingProblem("sslmode", $"\"{other}\" is not prefer, disable or require"));
                break;
        }

        DumpRoot? dumpRoot = null;
        if (configuration.Setting("dump_root") is not null)
        {
            var before = problems.Count;
            var text = Text("dump_root", string.Empty);
            dumpRoot = problems.Count > before ? null : ReadDumpRoot(configuration, text, problems);
        }

        var password = configuration.Setting("password");
        var settings = new PostgresSettings
        {
            Host = Text("host", "127.0.0.1"),
            Port = port,
            User = Text("user", "postgres"),
            Password = password is null ? null : Text("password", string.Empty),
            Database = Text("database", "postgres"),
            SslMode = sslMode,
            DumpRoot = dumpRoot,
            BinDirectory = configuration.Setting("bin_dir") is null ? null : Path.GetFullPath(Path.Combine(configuration.StackDirectory, Text("bin_dir", string.Empty))),
        };
        return problems.Count > found ? null : settings;
    }

    private static DumpRoot? ReadDumpRoot(ProviderConfiguration configuration, string text, List<ProviderSettingProblem> problems)
    {
        if (text.Trim().Length == 0 || text.Contains('\0', StringComparison.Ordinal))
        {
            problems.Add(new ProviderSettingProblem("dump_root", "expected a directory path"));
            return null;
        }

        return ConfinedRoots.Read(configuration, "dump_root", [text], problems, "dump_root") is { } confinement
            ? new DumpRoot(confinement.BaseDirectory, confinement.Roots[0])
            : null;
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
