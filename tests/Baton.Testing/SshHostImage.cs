using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;

namespace Baton.Testing;

/// <summary>
/// The image of the test SSH hosts: a Debian bookworm root filesystem made by
/// <c>tests/tools/sshhost/build-rootfs.sh</c> (its header says what is in it: sshd, sudo, python3, the users
/// <see cref="DeployUser"/> and <see cref="LimitedUser"/>, an offline apt repository with <c>baton-hello</c> and
/// <c>baton-daemon</c>, and <c>baton-init</c> as PID 1). The tar is cached at <see cref="TarPath"/>, named after the
/// script's hash, and built at most once per process (the script itself serialises builders of several processes with
/// a lock file); it is imported at most once per <see cref="PodmanServer"/>. Building needs root and the Debian package
/// debootstrap, and takes a minute or two the first time.
/// </summary>
public static class SshHostImage
{
    /// <summary>The repository the image is imported as; its tag is <see cref="Tag"/>.</summary>
    public const string Repository = "baton-sshhost";

    /// <summary>The user with passwordless sudo (uid 1000).</summary>
    public const string DeployUser = "deploy";

    /// <summary>The user without sudo (uid 1001).</summary>
    public const string LimitedUser = "limited";

    /// <summary>The directory of the image's local apt repository, its only apt source.</summary>
    public const string AptRepository = "/srv/baton-repo";

    /// <summary>The image's PID 1.</summary>
    public const string Init = "/usr/local/sbin/baton-init";

    /// <summary>The port on 127.0.0.1 inside a host where a started <c>baton-daemon</c> answers by default.</summary>
    public const int DaemonPort = 8081;

    private static readonly Lazy<string> Hash = new(() =>
        Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(ScriptPath)))[..12]);

    private static readonly Lazy<Task<string>> Built = new(() => BuildAsync());
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Imported = new(StringComparer.Ordinal);

    /// <summary>The script that builds the root filesystem tar.</summary>
    public static string ScriptPath => Path.Combine(RepositoryPaths.Root, "tests", "tools", "sshhost", "build-rootfs.sh");

    /// <summary>Where built test images are kept: <c>$BATON_TEST_CACHE</c>, or <c>~/.cache/baton-tests</c>.</summary>
    public static string CacheDirectory =>
        Environment.GetEnvironmentVariable("BATON_TEST_CACHE") is { Length: > 0 } cache
            ? cache
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "baton-tests");

    /// <summary>The first 12 hex digits of the SHA-256 of <see cref="ScriptPath"/>: a change of the script is a new image.</summary>
    public static string Tag => Hash.Value;

    /// <summary>The cached root filesystem tar, <c>CACHE/sshhost-TAG.tar</c>.</summary>
    public static string TarPath => Path.Combine(CacheDirectory, $"sshhost-{Tag}.tar");

    /// <summary>What the image is imported as: <c>baton-sshhost:TAG</c>.</summary>
    public static string Reference => $"{Repository}:{Tag}";

    /// <summary>
    /// Returns <see cref="TarPath"/>, running the build script first when it does not exist (once per process; every
    /// caller waits for the same build). A failed build throws with the script's output.
    /// </summary>
    public static Task<string> EnsureTarAsync() => File.Exists(TarPath) ? Task.FromResult(TarPath) : Built.Value;

    /// <summary>
    /// Imports the image into <paramref name="podman"/> (once per server; every caller waits for the same import),
    /// building the tar first when needed, and returns the image id.
    /// </summary>
    public static Task<string> ImportAsync(PodmanServer podman) =>
        Imported.GetOrAdd(podman.Endpoint, _ => new Lazy<Task<string>>(() => ImportOnceAsync(podman))).Value;

    private static async Task<string> ImportOnceAsync(PodmanServer podman)
    {
        var tar = await EnsureTarAsync();
        using var api = new PodmanContainerApi(podman);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        return await api.ImportImageAsync(tar, Reference, timeout.Token);
    }

    private static async Task<string> BuildAsync()
    {
        if (File.Exists(TarPath))
        {
            return TarPath;
        }

        foreach (var (program, package) in (ReadOnlySpan<(string, string)>)[("debootstrap", "debootstrap"), ("dpkg-deb", "dpkg"), ("flock", "util-linux")])
        {
            if (!new[] { "/usr/sbin", "/usr/bin", "/sbin", "/bin" }.Any(directory => File.Exists(Path.Combine(directory, program))))
            {
                throw new InvalidOperationException($"{program} is not installed: building the SSH test host image needs the Debian package {package} (test.sh installs it)");
            }
        }

        var info = new ProcessStartInfo("/bin/bash")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        info.ArgumentList.Add(ScriptPath);
        info.ArgumentList.Add(TarPath);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{ScriptPath} did not start");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // SIGTERM to the script and everything under it (debootstrap, chroot, tar): the script's trap then unmounts
            // and removes its temporary root and partial tar. SIGKILL for what is still there after 30 s.
            foreach (var pid in ProcessTree(process.Id))
            {
                Signal("-TERM", pid);
            }

            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            throw new InvalidOperationException($"{ScriptPath} {TarPath} did not finish within 20 minutes: {await stdout}{await stderr}");
        }

        if (process.ExitCode != 0 || !File.Exists(TarPath))
        {
            throw new InvalidOperationException($"{ScriptPath} {TarPath} exited with {process.ExitCode}:\n{await stdout}{await stderr}");
        }

        return TarPath;
    }

    /// <summary><paramref name="root"/> and all its descendants, from the parent ids in <c>/proc/PID/stat</c>.</summary>
    private static List<int> ProcessTree(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(entry), out var pid))
            {
                try
                {
                    // "PID (COMMAND) STATE PPID …": COMMAND may hold spaces and parentheses.
                    var stat = File.ReadAllText(Path.Combine(entry, "stat"));
                    parents[pid] = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
                {
                    // It exited meanwhile.
                }
            }
        }

        var tree = new List<int> { root };
        for (var i = 0; i < tree.Count; i++)
        {
            tree.AddRange(parents.Where(pair => pair.Value == tree[i]).Select(pair => pair.Key));
        }

        return tree;
    }

    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false });
        kill?.WaitForExit();
    }
}
