using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Threading.Channels;
using Baton.Server.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Baton.Server.Tests;

/// <summary>The real baton command: <c>baton up</c> applies and serves until SIGTERM, <c>baton down</c> destroys.</summary>
public sealed class ServeProcessTests : IDisposable
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(90);

    private readonly string _directory = Directory.CreateTempSubdirectory("baton-serve-process-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Up_ServesWithItsSessionTokenAndStopsCleanlyOnSigterm_ThenDownDestroys()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "baton.yaml"), TestStacks.Web);
        var file = Path.Combine(_directory, "out", "app.conf");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { BatonProcess.CliPath, "up", _directory, "--listen", "127.0.0.1:0" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NO_COLOR"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        try
        {
            process.StandardInput.Close();
            var lines = Channel.CreateUnbounded<string>();
            var stdout = Task.Run(async () =>
            {
                while (await process.StandardOutput.ReadLineAsync() is { } line)
                {
                    await lines.Writer.WriteAsync(line);
                }

                lines.Writer.Complete();
            });
            var stderr = process.StandardError.ReadToEndAsync();

            Uri? address = null;
            string? token = null;
            var seen = new List<string>();
            using (var limit = new CancellationTokenSource(Startup))
            {
                while (token is null)
                {
                    if (!await lines.Reader.WaitToReadAsync(limit.Token))
                    {
                        Assert.Fail($"baton up ended before serving; out: {string.Join('\n', seen)}; error: {await stderr}");
                    }

                    var line = await lines.Reader.ReadAsync(limit.Token);
                    seen.Add(line);
                    if (line.StartsWith("Serving web at ", StringComparison.Ordinal))
                    {
                        address = new Uri(line["Serving web at ".Length..].Trim());
                    }
                    else if (line.Contains("Session token (admin", StringComparison.Ordinal))
                    {
                        token = line[line.IndexOf("bt_", StringComparison.Ordinal)..].Trim();
                    }
                }
            }

            Assert.NotNull(address);
            Assert.NotEqual(0, address.Port);
            Assert.True(File.Exists(file), "baton up did not apply before serving");
            using (var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) })
            {
                using (var anonymous = await client.GetAsync(new Uri("/api/stacks", UriKind.Relative)))
                {
                    Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
                }

                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = await client.GetAsync(new Uri("/api/stacks", UriKind.Relative));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var stacks = await ServerHarness.ReadJsonAsync(response);
                Assert.Equal("web", stacks[0].GetProperty("name").GetString());
                Assert.Equal(1, stacks[0].GetProperty("resources").GetInt32());
            }

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
            {
                await kill.WaitForExitAsync();
                Assert.Equal(0, kill.ExitCode);
            }

            using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
            {
                try
                {
                    await process.WaitForExitAsync(limit.Token);
                }
                catch (OperationCanceledException)
                {
                    Assert.Fail("baton up did not stop within 10 s of SIGTERM");
                }
            }

            await stdout;
            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await stderr}");
            Assert.True(File.Exists(file), "the resources must outlive the control plane");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }

        var down = await BatonProcess.RunAsync(_directory, Startup, "down", _directory, "--auto-approve");
        Assert.True(down.ExitCode == 0, down.Error + down.Out);
        Assert.False(File.Exists(file));
    }
}
