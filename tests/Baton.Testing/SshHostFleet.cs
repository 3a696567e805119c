using System.Diagnostics;
using System.Formats.Tar;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Baton.Testing;

/// <summary>
/// N real SSH hosts for the tests of what configures machines over SSH: containers of <see cref="SshHostImage"/> on a
/// <see cref="PodmanServer"/>, each publishing its port 22 on a port of 127.0.0.1 that Podman chooses. Before a
/// container starts, the fleet puts into it an ed25519 host key of its own (so <see cref="SshHost.KnownHostsLine"/>
/// is known exactly and a strict known_hosts file, <see cref="KnownHostsPath"/>, works) and the fleet's two client
/// keys (<see cref="PrivateKeyPath"/>, ed25519, and <see cref="RsaPrivateKeyPath"/>) as authorized for root,
/// <see cref="SshHostImage.DeployUser"/> and <see cref="SshHostImage.LimitedUser"/>. <see cref="StartAsync(PodmanServer, int, string, CancellationToken)"/>
/// returns once every host's sshd answers with its banner. The helpers look at and act on hosts from the side, through
/// Podman's API and never over SSH, so what a test checks does not depend on the SSH code it tests. Dispose removes
/// every container (they carry the label <see cref="LabelKey"/>) and the temporary directory with the keys.
/// BCL only: no SSH library, no shell strings; programs run from argument lists.
/// </summary>
public sealed partial class SshHostFleet : IAsyncDisposable
{
    /// <summary>The label every container of a fleet carries, with the fleet's <see cref="Id"/> as its value.</summary>
    public const string LabelKey = "baton.test.sshfleet";

    private const string Loopback = "127.0.0.1";
    private const int StopTimeoutSeconds = 10;

    /// <summary>Hosts started at once: Podman serialises much of a start (the network setup most of all), so more gains nothing.</summary>
    private const int Parallelism = 4;
    private const UnixFileMode Readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode Secret = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private static readonly TimeSpan SshWait = TimeSpan.FromSeconds(60);
    private static readonly string[] Users = ["root", SshHostImage.DeployUser, SshHostImage.LimitedUser];
    private readonly PodmanServer _podman;
    private readonly PodmanContainerApi _api;
    private readonly List<SshHost> _hosts = [];
    private bool _disposed;

    private SshHostFleet(PodmanServer podman)
    {
        _podman = podman;
        _api = new PodmanContainerApi(podman);
        Id = RandomNumberGenerator.GetHexString(10, lowercase: true);
        Directory = Path.Combine(Path.GetTempPath(), "baton-sshfleet-" + Id);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("the SSH host fleet runs Linux containers on Podman");
        }

        System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>The fleet's id: the value of its containers' label <see cref="LabelKey"/>.</summary>
    public string Id { get; }

    /// <summary>The temporary directory (mode 0700) holding the keys and the known_hosts file; deleted on dispose.</summary>
    public string Directory { get; }

    /// <summary>The hosts, in the order of their names (<c>PREFIX-1</c>, <c>PREFIX-2</c>, …).</summary>
    public IReadOnlyList<SshHost> Hosts => _hosts;

    /// <summary>The ed25519 client key (OpenSSH format, mode 0600, no passphrase) that every user of every host accepts.</summary>
    public string PrivateKeyPath => Path.Combine(Directory, "id_ed25519");

    /// <summary>The public half of <see cref="PrivateKeyPath"/>, as an authorized_keys line.</summary>
    public string PublicKey { get; private set; } = "";

    /// <summary>An RSA (3072 bits) client key (OpenSSH format, mode 0600, no passphrase) that every user of every host accepts too.</summary>
    public string RsaPrivateKeyPath => Path.Combine(Directory, "id_rsa");

    /// <summary>The public half of <see cref="RsaPrivateKeyPath"/>, as an authorized_keys line.</summary>
    public string RsaPublicKey { get; private set; } = "";

    /// <summary>A known_hosts file with every host's <see cref="SshHost.KnownHostsLine"/>.</summary>
    public string KnownHostsPath => Path.Combine(Directory, "known_hosts");

    /// <summary>
    /// Starts <paramref name="count"/> hosts named <c><paramref name="namePrefix"/>-1</c> … (lower-case letters,
    /// digits and dashes; unique on the server), a few at a time, importing the image first when the server lacks it
    /// (building it when the cache lacks it), and returns when every sshd answers. A failure removes what was started.
    /// </summary>
    public static async Task<SshHostFleet> StartAsync(PodmanServer podman, int count, string namePrefix, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (!NamePattern().IsMatch(namePrefix))
        {
            throw new ArgumentException($"'{namePrefix}' is not a host name prefix: lower-case letters, digits and dashes, at most 40", nameof(namePrefix));
        }

        var fleet = new SshHostFleet(podman);
        try
        {
            await fleet.StartHostsAsync(count, namePrefix, cancellationToken);
            return fleet;
        }
        catch (Exception exception)
        {
            try
            {
                await fleet.DisposeAsync();
            }
            catch (InvalidOperationException cleanup)
            {
                throw new AggregateException(exception, cleanup);
            }

            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="argv"/> (a program and its arguments, no shell) in <paramref name="host"/> as root through
    /// Podman's exec API, and returns its exit code and output. The host must be running.
    /// </summary>
    public Task<HostExecResult> ExecAsync(SshHost host, params string[] argv) => ExecAsync(host, argv, user: null, CancellationToken.None);

    /// <summary>
    /// Runs <paramref name="argv"/> (a program and its arguments, no shell) in <paramref name="host"/> as
    /// <paramref name="user"/> (root when null) through Podman's exec API, and returns its exit code and output.
    /// </summary>
    public Task<HostExecResult> ExecAsync(SshHost host, IReadOnlyList<string> argv, string? user, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfZero(argv.Count);
        return _api.ExecAsync(host.ContainerId, argv, user, cancellationToken);
    }

    /// <summary>The content (UTF-8) of the file <paramref name="path"/> in <paramref name="host"/>, running or stopped; null when there is no such file.</summary>
    public async Task<string?> ReadFileAsync(SshHost host, string path, CancellationToken cancellationToken = default) =>
        await _api.ReadFileAsync(host.ContainerId, path, cancellationToken) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;

    /// <summary>
    /// Writes <paramref name="content"/> (UTF-8) to the file <paramref name="path"/> of <paramref name="host"/>, in a
    /// directory that exists, owned by <paramref name="uid"/>:<paramref name="gid"/> with <paramref name="mode"/>
    /// (0644 when null) — a change behind the back of what a test drives.
    /// </summary>
    public Task WriteFileAsync(SshHost host, string path, string content, UnixFileMode? mode = null, int uid = 0, int gid = 0, CancellationToken cancellationToken = default)
    {
        var directory = Path.GetDirectoryName(path);
        if (!path.StartsWith('/') || string.IsNullOrEmpty(directory))
        {
            throw new ArgumentException($"'{path}' is not an absolute file path", nameof(path));
        }

        var tar = Tar([(Path.GetFileName(path), Encoding.UTF8.GetBytes(content), mode ?? Readable, uid, gid)]);
        return _api.PutArchiveAsync(host.ContainerId, directory, tar, cancellationToken);
    }

    /// <summary>Stops <paramref name="host"/> (SIGTERM to its init, which stops its services): its port refuses connections until <see cref="StartAsync(SshHost, CancellationToken)"/>.</summary>
    public Task StopAsync(SshHost host, CancellationToken cancellationToken = default) =>
        _api.StopAsync(host.ContainerId, StopTimeoutSeconds, cancellationToken);

    /// <summary>Starts the stopped <paramref name="host"/> again, on the same port with the same host key, and returns when its sshd answers.</summary>
    public async Task StartAsync(SshHost host, CancellationToken cancellationToken = default)
    {
        await _api.StartAsync(host.ContainerId, cancellationToken);
        var port = await PortAsync(host.ContainerId, cancellationToken);
        if (port != host.Port)
        {
            throw new InvalidOperationException($"{host.Name} came back on port {port}, not {host.Port}");
        }

        await WaitForSshAsync(host.Name, host.ContainerId, port, cancellationToken);
    }

    /// <summary>Freezes every process of <paramref name="host"/>: connections to its port are accepted by the kernel but nothing answers.</summary>
    public Task PauseAsync(SshHost host, CancellationToken cancellationToken = default) => _api.PauseAsync(host.ContainerId, cancellationToken);

    /// <summary>Thaws <paramref name="host"/> after <see cref="PauseAsync"/>.</summary>
    public Task UnpauseAsync(SshHost host, CancellationToken cancellationToken = default) => _api.UnpauseAsync(host.ContainerId, cancellationToken);

    /// <summary>
    /// Removes <paramref name="fleet"/>, then stops <paramref name="podman"/>, the service it ran on, even when the
    /// removal failed (either may be null: a fixture that failed part way).
    /// </summary>
    public static async Task DisposeAsync(SshHostFleet? fleet, PodmanServer? podman)
    {
        try
        {
            if (fleet is not null)
            {
                await fleet.DisposeAsync();
            }
        }
        finally
        {
            if (podman is not null)
            {
                await podman.DisposeAsync();
            }
        }
    }

    /// <summary>Removes every container of the fleet and deletes <see cref="Directory"/>; throws when something could not be removed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        var problems = new List<string>();
        try
        {
            // Stopped a few at a time first: the removal goes one container at a time.
            var ids = await _podman.ContainerIdsWithLabelAsync(LabelKey, Id);
            using var gate = new SemaphoreSlim(Parallelism);
            await Task.WhenAll(ids.Select(async id =>
            {
                await gate.WaitAsync();
                try
                {
                    await _api.StopAsync(id, StopTimeoutSeconds, CancellationToken.None);
                }
                catch (InvalidOperationException)
                {
                    // Never started, or already gone: the removal below says what could not be removed.
                }
                finally
                {
                    gate.Release();
                }
            }));
            problems.AddRange(await _podman.RemoveLabelledAsync(LabelKey, Id));
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException or TaskCanceledException or InvalidOperationException)
        {
            problems.Add($"removing the containers labelled {LabelKey}={Id} failed: {exception.Message}");
        }
        finally
        {
            _api.Dispose();
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
                // Never made, or already gone.
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                problems.Add($"cannot delete {Directory}: {exception.Message}");
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException("the SSH host fleet did not clean up completely:\n" + string.Join('\n', problems));
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}$")]
    private static partial Regex NamePattern();

    private async Task StartHostsAsync(int count, string namePrefix, CancellationToken cancellationToken)
    {
        var keygen = RequireProgram("ssh-keygen", "openssh-client");
        var image = SshHostImage.ImportAsync(_podman);
        await Task.WhenAll(
            RunAsync(keygen, ["-q", "-t", "ed25519", "-N", "", "-C", "baton-test-ed25519", "-f", PrivateKeyPath], cancellationToken),
            RunAsync(keygen, ["-q", "-t", "rsa", "-b", "3072", "-N", "", "-C", "baton-test-rsa", "-f", RsaPrivateKeyPath], cancellationToken));
        PublicKey = (await File.ReadAllTextAsync(PrivateKeyPath + ".pub", cancellationToken)).Trim();
        RsaPublicKey = (await File.ReadAllTextAsync(RsaPrivateKeyPath + ".pub", cancellationToken)).Trim();
        var imageId = await image;

        using var gate = new SemaphoreSlim(Parallelism);
        var started = await Task.WhenAll(Enumerable.Range(0, count).Select(async index =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                return await StartHostAsync(keygen, imageId, index, $"{namePrefix}-{index + 1}", cancellationToken);
            }
            finally
            {
                gate.Release();
            }
        }));
        _hosts.AddRange(started);
        await File.WriteAllLinesAsync(KnownHostsPath, _hosts.Select(host => host.KnownHostsLine), cancellationToken);
    }

    private async Task<SshHost> StartHostAsync(string keygen, string imageId, int index, string name, CancellationToken cancellationToken)
    {
        var keyDirectory = Path.Combine(Directory, "hosts", name);
        System.IO.Directory.CreateDirectory(keyDirectory);
        var hostKey = Path.Combine(keyDirectory, "ssh_host_ed25519_key");
        await RunAsync(keygen, ["-q", "-t", "ed25519", "-N", "", "-C", "", "-f", hostKey], cancellationToken);
        var hostKeyLine = string.Join(' ', (await File.ReadAllTextAsync(hostKey + ".pub", cancellationToken)).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(2));

        var id = await _api.CreateAsync(name, new JsonObject
        {
            ["Image"] = imageId,
            ["Cmd"] = new JsonArray(SshHostImage.Init),
            ["Hostname"] = name,
            ["Env"] = new JsonArray("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8"),
            ["Labels"] = new JsonObject { [LabelKey] = Id },
            ["ExposedPorts"] = new JsonObject { ["22/tcp"] = new JsonObject() },
            ["StopSignal"] = "SIGTERM",
            ["StopTimeout"] = StopTimeoutSeconds,
            ["HostConfig"] = new JsonObject
            {
                // An empty host port: Podman chooses a free one when it creates the container, and keeps it.
                ["PortBindings"] = new JsonObject { ["22/tcp"] = new JsonArray(new JsonObject { ["HostIp"] = Loopback, ["HostPort"] = "" }) },
            },
        }, cancellationToken);

        var authorized = Encoding.UTF8.GetBytes(PublicKey + "\n" + RsaPublicKey + "\n");
        List<(string, byte[], UnixFileMode, int, int)> files =
        [
            ("etc/ssh/ssh_host_ed25519_key", await File.ReadAllBytesAsync(hostKey, cancellationToken), Secret, 0, 0),
            ("etc/ssh/ssh_host_ed25519_key.pub", await File.ReadAllBytesAsync(hostKey + ".pub", cancellationToken), Readable, 0, 0),
            .. Users.Select(user => ($"etc/ssh/authorized_keys/{user}", authorized, Readable, 0, 0)),
        ];
        await _api.PutArchiveAsync(id, "/", Tar(files), cancellationToken);
        await _api.StartAsync(id, cancellationToken);
        var port = await PortAsync(id, cancellationToken);
        await WaitForSshAsync(name, id, port, cancellationToken);
        return new SshHost
        {
            Index = index,
            Name = name,
            Address = Loopback,
            Port = port,
            ContainerId = id,
            HostKeyLine = hostKeyLine,
        };
    }

    private async Task<int> PortAsync(string id, CancellationToken cancellationToken)
    {
        var details = await _api.InspectAsync(id, cancellationToken);
        var binding = details["NetworkSettings"]?["Ports"]?["22/tcp"]?.AsArray().FirstOrDefault();
        return int.TryParse(binding?["HostPort"]?.GetValue<string>(), out var port) && port > 0
            ? port
            : throw new InvalidOperationException($"the container {id} publishes no port for 22/tcp: {details["NetworkSettings"]?.ToJsonString()}");
    }

    /// <summary>
    /// Waits until a connection to 127.0.0.1:<paramref name="port"/> gets an SSH banner; fails with the container's
    /// output when the container stops meanwhile, or after <see cref="SshWait"/>.
    /// </summary>
    private async Task WaitForSshAsync(string name, string id, int port, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + SshWait;
        var lastProblem = "";
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (await BannerAsync(port, cancellationToken) is { } banner && banner.StartsWith("SSH-2.0-", StringComparison.Ordinal))
                {
                    return;
                }

                lastProblem = "no SSH banner";
            }
            catch (Exception exception) when (exception is SocketException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                lastProblem = exception.Message;
            }

            if (attempt % 10 == 9)
            {
                var state = (await _api.InspectAsync(id, cancellationToken))["State"];
                if (state?["Running"]?.GetValue<bool>() != true)
                {
                    throw new InvalidOperationException($"{name} stopped before its sshd answered ({state?.ToJsonString()}):\n{await _api.LogsAsync(id, cancellationToken)}");
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"{name}'s sshd did not answer on {Loopback}:{port} within {SshWait.TotalSeconds:0} s ({lastProblem}):\n{await _api.LogsAsync(id, cancellationToken)}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    /// <summary>The first line the server at 127.0.0.1:<paramref name="port"/> sends, within 2 s; null when it closes first.</summary>
    private static async Task<string?> BannerAsync(int port, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(2));
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, limit.Token);
        var stream = client.GetStream();
        var line = new List<byte>();
        var buffer = new byte[256];
        while (line.Count < 256)
        {
            var read = await stream.ReadAsync(buffer, limit.Token);
            if (read == 0)
            {
                return null;
            }

            var newline = Array.IndexOf(buffer, (byte)'\n', 0, read);
            line.AddRange(buffer.Take(newline >= 0 ? newline : read));
            if (newline >= 0)
            {
                break;
            }
        }

        return Encoding.ASCII.GetString([.. line]).TrimEnd('\r');
    }

    private static byte[] Tar(IEnumerable<(string Name, byte[] Content, UnixFileMode Mode, int Uid, int Gid)> files)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, content, mode, uid, gid) in files)
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name)
                {
                    Mode = mode,
                    Uid = uid,
                    Gid = gid,
                    ModificationTime = DateTimeOffset.UtcNow,
                    DataStream = new MemoryStream(content),
                });
            }
        }

        return tar.ToArray();
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await stdout}{await stderr}");
        }
    }

    private static string RequireProgram(string program, string package) =>
        new[] { "/usr/bin", "/bin", "/usr/local/bin" }.Select(directory => Path.Combine(directory, program)).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"{program} is not installed: the SSH host fleet needs the Debian package {package} (test.sh installs it)");
}
