using System.Diagnostics;
using Amazon.S3;
using Amazon.S3.Model;

namespace Baton.Testing;

/// <summary>
/// A private s3rver (the npm package pinned in tests/tools/s3rver) for the s3 tests: started with node on a free
/// loopback port over a temporary data directory, killed by its pid and the directory removed on dispose. When
/// tests/tools/s3rver/node_modules is missing it runs <c>npm ci</c> there first, so <c>dotnet test</c> works alone.
/// Use it as an xunit fixture, or <c>await using var server = await S3rverServer.StartAsync();</c>.
/// </summary>
public sealed class S3rverServer : IAsyncLifetime, IAsyncDisposable
{
    /// <summary>s3rver's fixed credentials.</summary>
    public const string AccessKey = "S3RVER";

    /// <summary>s3rver's fixed credentials.</summary>
    public const string SecretKey = "S3RVER";

    /// <summary>The region requests are signed for (s3rver accepts any).</summary>
    public const string Region = "us-east-1";

    private static readonly SemaphoreSlim InstallLock = new(1, 1);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "baton-s3rver-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly List<string> _output = [];
    private System.Diagnostics.Process? _process;

    /// <summary>The loopback port it listens on.</summary>
    public int Port { get; } = LoopbackPort.Free();

    /// <summary>Its endpoint URL, for <c>endpoint</c> in a provider configuration or an SDK client's ServiceURL.</summary>
    public string Endpoint => $"http://127.0.0.1:{Port}";

    /// <summary>The directory holding tests/tools/s3rver (package.json, package-lock.json, node_modules).</summary>
    public static string ToolDirectory { get; } = FindToolDirectory();

    /// <summary>Starts a server; dispose it to stop it.</summary>
    public static async Task<S3rverServer> StartAsync()
    {
        var server = new S3rverServer();
        try
        {
            await server.InitializeAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>An SDK client for this server (path-style, s3rver's credentials, checksums only where required).</summary>
    public AmazonS3Client CreateClient() => new(
        new Amazon.Runtime.BasicAWSCredentials(AccessKey, SecretKey),
        new AmazonS3Config
        {
            ServiceURL = Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = Region,
            RequestChecksumCalculation = Amazon.Runtime.RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = Amazon.Runtime.ResponseChecksumValidation.WHEN_REQUIRED,
        });

    /// <summary>Makes a bucket directly (not through the provider).</summary>
    public async Task CreateBucketAsync(string name)
    {
        using var client = CreateClient();
        await client.PutBucketAsync(new PutBucketRequest { BucketName = name });
    }

    public async Task InitializeAsync()
    {
        await EnsureInstalledAsync();
        Directory.CreateDirectory(_directory);
        await StartProcessAsync();
    }

    /// <summary>Stops the server, keeping its data and port, as an endpoint that goes down (<see cref="RestartAsync"/> brings it back).</summary>
    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (InvalidOperationException)
        {
            // It already exited.
        }
        finally
        {
            _process.Dispose();
            _process = null;
        }
    }

    /// <summary>Starts the stopped server again on the same port over the same data.</summary>
    public Task RestartAsync() => _process is null ? StartProcessAsync() : Task.CompletedTask;

    private async Task StartProcessAsync()
    {
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = ToolDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        // s3rver encrypts list continuation tokens with DES, which OpenSSL 3 keeps in its legacy provider.
        foreach (var argument in (string[])["--openssl-legacy-provider", Path.Combine(ToolDirectory, "node_modules", "s3rver", "bin", "s3rver.js"),
                     "--directory", _directory, "--address", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--silent"])
        {
            info.ArgumentList.Add(argument);
        }

        _process = System.Diagnostics.Process.Start(info) ?? throw new InvalidOperationException("node did not start");
        _process.OutputDataReceived += (_, e) => Remember(e.Data);
        _process.ErrorDataReceived += (_, e) => Remember(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        _process.StandardInput.Close();
        await WaitUntilAnsweringAsync();
    }

    public async Task DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            if (Directory.Exists(_directory))
            {
                Directory.Delete(_directory, recursive: true);
            }
        }
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
            if (_output.Count > 50)
            {
                _output.RemoveAt(0);
            }
        }
    }

    private string Output()
    {
        lock (_output)
        {
            return string.Join('\n', _output);
        }
    }

    private async Task WaitUntilAnsweringAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"s3rver exited with {_process.ExitCode} before answering: {Output()}");
            }

            try
            {
                // Any HTTP answer (s3rver refuses an unsigned request) means it is listening.
                using var response = await http.GetAsync(new Uri(Endpoint + "/"));
                return;
            }
            catch (Exception exception) when ((exception is HttpRequestException or TaskCanceledException) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    private static async Task EnsureInstalledAsync()
    {
        await InstallLock.WaitAsync();
        try
        {
            if (System.IO.File.Exists(Path.Combine(ToolDirectory, "node_modules", "s3rver", "bin", "s3rver.js")))
            {
                return;
            }

            var info = new ProcessStartInfo("npm")
            {
                WorkingDirectory = ToolDirectory,
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
            };
            foreach (var argument in (string[])["ci", "--no-audit", "--no-fund"])
            {
                info.ArgumentList.Add(argument);
            }

            using var process = System.Diagnostics.Process.Start(info) ?? throw new InvalidOperationException("npm did not start");
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(InstallTimeout);
            await process.WaitForExitAsync(timeout.Token);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm ci in {ToolDirectory} exited with {process.ExitCode}: {await output}{await error}");
            }
        }
        finally
        {
            InstallLock.Release();
        }
    }

    private static string FindToolDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "tools", "s3rver");
            if (System.IO.File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"no tests/tools/s3rver/package.json above {AppContext.BaseDirectory}");
    }
}
