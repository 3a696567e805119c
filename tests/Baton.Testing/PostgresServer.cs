using System.Diagnostics;
using Npgsql;

namespace Baton.Testing;

/// <summary>
/// A private PostgreSQL server for the postgres tests: initdb in a temp directory, started on a free loopback port
/// and stopped and removed on dispose. PostgreSQL refuses to run as root, so as root every server program runs as
/// the <c>postgres</c> user through <c>runuser</c>.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private static readonly TimeSpan ProgramTimeout = TimeSpan.FromSeconds(60);
    private readonly string _binDirectory = BinDirectory();
    private readonly bool _asRoot = string.Equals(Environment.UserName, "root", StringComparison.Ordinal);
    private readonly string _directory = Path.Combine("/tmp", "baton-pg-" + Guid.NewGuid().ToString("N")[..12]);
    private bool _started;

    public string Host { get; } = "127.0.0.1";

    public int Port { get; } = LoopbackPort.Free();

    public string User { get; } = "postgres";

    public string Password { get; } = "pw-" + Guid.NewGuid().ToString("N");

    private string DataDirectory => Path.Combine(_directory, "data");

    public string ConnectionString(string? database = null, string? user = null, string? password = null) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = Host,
            Port = Port,
            Username = user ?? User,
            Password = password ?? Password,
            Database = database ?? "postgres",
            Pooling = false,
            Timeout = 10,
        }.ConnectionString;

    public async Task InitializeAsync()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("the PostgreSQL test server runs on Linux");
        }

        Directory.CreateDirectory(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var passwordFile = Path.Combine(_directory, "pwfile");
        await System.IO.File.WriteAllTextAsync(passwordFile, Password + "\n");
        if (_asRoot)
        {
            await RunAsync("chown", ["-R", "postgres:postgres", _directory]);
        }

        await RunAsServerUserAsync("initdb", ["-D", DataDirectory, "-U", User, "--auth=scram-sha-256", "--pwfile=" + passwordFile, "-E", "UTF8", "--locale=C"]);
        await System.IO.File.AppendAllTextAsync(
            Path.Combine(DataDirectory, "postgresql.conf"),
            $"\nport = {Port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{_directory}'\nfsync = off\n");
        await RunAsServerUserAsync("pg_ctl", ["start", "-w", "-t", "60", "-D", DataDirectory, "-l", Path.Combine(_directory, "server.log")]);
        _started = true;
        await WaitForConnectionsAsync();
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (_started)
            {
                await RunAsServerUserAsync("pg_ctl", ["stop", "-w", "-m", "fast", "-D", DataDirectory]);
            }
        }
        finally
        {
            if (Directory.Exists(_directory))
            {
                Directory.Delete(_directory, recursive: true);
            }
        }
    }

    private async Task WaitForConnectionsAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString());
                await connection.OpenAsync();
                return;
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    private Task<string> RunAsServerUserAsync(string program, IReadOnlyList<string> arguments)
    {
        var path = Path.Combine(_binDirectory, program);
        return _asRoot ? RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments]) : RunAsync(path, arguments);
    }

    private static async Task<string> RunAsync(string program, IReadOnlyList<string> arguments)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = "/tmp",
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ProgramTimeout);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output}{await error}");
        }

        return await output;
    }

    private static string BinDirectory()
    {
        try
        {
            var info = new ProcessStartInfo("pg_config") { RedirectStandardOutput = true, UseShellExecute = false };
            info.ArgumentList.Add("--bindir");
            using var process = System.Diagnostics.Process.Start(info)!;
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            if (process.ExitCode == 0 && System.IO.File.Exists(Path.Combine(output, "initdb")))
            {
                return output;
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // pg_config is not on PATH; fall back to Debian's layout.
        }

        return "/usr/lib/postgresql/15/bin";
    }
}
