using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Baton.Providers.Postgres;

/// <summary>
/// Runs pg_dump and pg_restore. A program is found in the setting <c>bin_dir</c>, else in <c>pg_config --bindir</c>,
/// else in the newest <c>/usr/lib/postgresql/*/bin</c>, else on PATH. It is started from an argument list (never a
/// shell string), with the connection in PG* variables of its own environment: the password never appears on argv.
/// </summary>
internal sealed class PostgresTools(PostgresSettings settings)
{
    private const int ErrorTailCharacters = 2000;
    private readonly ConcurrentDictionary<string, string?> _programs = new(StringComparer.Ordinal);

    /// <summary>The path of <paramref name="program"/>, or null when it is nowhere to be found.</summary>
    public string? Locate(string program) => _programs.GetOrAdd(program, Find);

    /// <summary>
    /// Runs <paramref name="program"/> against <paramref name="database"/> and waits for it; cancellation kills it.
    /// The database goes in as a conninfo string, so a name holding <c>=</c> is still only a name.
    /// </summary>
    public async Task<(int ExitCode, string ErrorTail)> RunAsync(string program, string database, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        info.ArgumentList.Add("--dbname=" + ConnInfo("dbname", database));
        info.ArgumentList.Add("--no-password");
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("PG", StringComparison.Ordinal)).ToArray())
        {
            info.Environment.Remove(name);
        }

        info.Environment["PGHOST"] = settings.Host;
        info.Environment["PGPORT"] = settings.Port.ToString(CultureInfo.InvariantCulture);
        info.Environment["PGUSER"] = settings.User;
        info.Environment["PGSSLMODE"] = settings.SslMode.ToString().ToLowerInvariant();
        info.Environment["PGCONNECT_TIMEOUT"] = "15";
        if (settings.Password is { } password)
        {
            info.Environment["PGPASSWORD"] = password;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It ended on its own meanwhile.
            }

            throw;
        }

        await output;
        return (process.ExitCode, Tail(await error));
    }

    private static string Tail(string text)
    {
        text = text.Trim();
        return text.Length <= ErrorTailCharacters ? text : "…" + text[^ErrorTailCharacters..];
    }

    /// <summary>A libpq conninfo entry with its value single-quoted, backslashes and quotes escaped.</summary>
    private static string ConnInfo(string key, string value)
    {
        var builder = new StringBuilder(key).Append("='");
        foreach (var c in value)
        {
            if (c is '\\' or '\'')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.Append('\'').ToString();
    }

    private string? Find(string program)
    {
        if (settings.BinDirectory is { } configured)
        {
            var path = Path.Combine(configured, program);
            return File.Exists(path) ? path : null;
        }

        if (PgConfigBinDirectory() is { } bin && File.Exists(Path.Combine(bin, program)))
        {
            return Path.Combine(bin, program);
        }

        const string Debian = "/usr/lib/postgresql";
        if (Directory.Exists(Debian))
        {
            var newest = Directory.GetDirectories(Debian)
                .Select(d => (Directory: d, Version: double.TryParse(Path.GetFileName(d), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : -1))
                .Where(d => d.Version >= 0 && File.Exists(Path.Combine(d.Directory, "bin", program)))
                .OrderByDescending(d => d.Version)
                .Select(d => Path.Combine(d.Directory, "bin", program))
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, program))
            .FirstOrDefault(File.Exists);
    }

    private static string? PgConfigBinDirectory()
    {
        try
        {
            var info = new ProcessStartInfo("pg_config") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add("--bindir");
            using var process = Process.Start(info);
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // pg_config is not installed; the other places are tried.
            return null;
        }
    }
}
