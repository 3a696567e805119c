using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Amazon.S3.Model;
using Npgsql;
using Xunit.Abstractions;

namespace Baton.Examples.Tests;

/// <summary>
/// examples/shop end to end, through the real baton command against a real PostgreSQL, a real S3 endpoint (s3rver),
/// real nginx and the shop's own web application as process replicas: deploy, serve through the load balancer,
/// a rolling update with no failed request, drift after a killed replica and its heal, and a destroy that leaves
/// nothing behind.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "xunit disposes the servers through IAsyncLifetime.DisposeAsync")]
public sealed class ShopEndToEndTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(4);
    private readonly PostgresServer _postgres = new();
    private readonly S3rverServer _s3 = new();
    private readonly string _stack = Path.Combine(Path.GetTempPath(), "baton-shop-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly string _bucket = "shop-" + Guid.NewGuid().ToString("N")[..10];
    private readonly List<int> _pidsSeen = [];
    private bool _destroyed;

    private string VarFile => Path.Combine(_stack, "vars.json");

    public async Task InitializeAsync()
    {
        await Task.WhenAll(_postgres.InitializeAsync(), _s3.InitializeAsync());
        await ShopStack.PrepareAsync(_stack, _postgres, _s3, _bucket);
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (!_destroyed && File.Exists(Path.Combine(_stack, "baton.yaml")))
            {
                // Databases a restore made belong to the shop's role, which cannot be dropped while they exist.
                await using (var admin = new NpgsqlConnection(_postgres.ConnectionString()))
                {
                    await admin.OpenAsync();
                    await using var list = new NpgsqlCommand("SELECT datname FROM pg_database WHERE datname LIKE 'restored-%'", admin);
                    var names = new List<string>();
                    await using (var reader = await list.ExecuteReaderAsync())
                    {
                        while (await reader.ReadAsync())
                        {
                            names.Add(reader.GetString(0));
                        }
                    }

                    foreach (var name in names)
                    {
                        await using var drop = new NpgsqlCommand($"DROP DATABASE \"{name}\" WITH (FORCE)", admin);
                        await drop.ExecuteNonQueryAsync();
                    }
                }

                await BatonAsync(0, "destroy", _stack, "--auto-approve", "--var-file", VarFile);
            }
        }
        catch (Exception e) when (e is Xunit.Sdk.XunitException or TimeoutException or NpgsqlException)
        {
            output.WriteLine("cleanup destroy failed: " + e.Message);
        }
        finally
        {
            foreach (var pid in _pidsSeen.Where(IsAlive))
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
            }

            await _s3.DisposeAsync();
            await _postgres.DisposeAsync();
            if (Directory.Exists(_stack))
            {
                Directory.Delete(_stack, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Shop_deploys_serves_rolls_out_heals_backs_up_and_destroys_without_a_failed_request()
    {
        // 1. Deploy: database, role, bucket, three replicas, the load balancer and the check through it.
        await BatonAsync(0, "apply", _stack, "--auto-approve", "--var-file", VarFile);
        var outputs = await OutputsAsync();
        var url = new Uri(outputs["url"]!.GetValue<string>());
        var endpoints = Strings(outputs["endpoints"]);
        Assert.Equal(3, endpoints.Count);
        Assert.Equal(3, Pids(outputs).Count);

        // 2. Every replica serves through nginx, products come from PostgreSQL.
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await ShopChecks.ServedByEveryReplicaAsync(client, url, endpoints);

        // 3. An upload lands in the bucket, streamed through nginx and the shop to S3.
        await ShopChecks.UploadLandsInBucketAsync(client, url, _s3, _bucket, "baton shop upload\n", 5000);

        // 4. Each replica counts its requests in Prometheus text.
        var metrics = await client.GetStringAsync(new Uri($"http://{endpoints[0]}/metrics"));
        Assert.Matches("""shop_http_requests_total\{path="/products",status="200"\} [1-9]""", metrics);

        // 5. Scale to five and roll out version 2 under a client loop: not one request may fail.
        await ShopChecks.RollsOutWithoutAFailedRequestAsync(output, url, () =>
            BatonAsync(0, "apply", _stack, "--auto-approve", "--var-file", VarFile, "--var", "replicas=5", "--var", "version=2"));

        // From here on the var file carries the new values, so a plan without changes shows none.
        await ShopChecks.SetVariablesAsync(VarFile, ("replicas", 5), ("version", "2"));
        outputs = await OutputsAsync();
        var pids = Pids(outputs);
        Assert.Equal(5, pids.Count);
        Assert.Equal(5, Strings(outputs["endpoints"]).Count);
        var versions = await VersionsAsync(client, url, 100);
        Assert.Equal(["2"], versions.Keys);
        Assert.Equal(5, versions["2"].Count);

        // 6. A replica killed behind baton's back is drift: plan shows it, apply heals it.
        var victim = pids[2];
        using (var process = Process.GetProcessById(victim))
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        var (planExit, planOut, _) = await BatonAsync(2, "plan", _stack, "--var-file", VarFile, "--detailed-exitcode");
        Assert.Equal(2, planExit);
        Assert.Contains("web", planOut, StringComparison.Ordinal);
        await BatonAsync(0, "apply", _stack, "--auto-approve", "--var-file", VarFile);
        var healed = Pids(await OutputsAsync());
        Assert.Equal(5, healed.Count);
        Assert.DoesNotContain(victim, healed);
        Assert.All(healed, pid => Assert.True(IsAlive(pid), $"replica pid {pid} is not running after the heal"));
        await BatonAsync(0, "plan", _stack, "--var-file", VarFile, "--detailed-exitcode");

        // 7. The backup runbook: dump, upload, prune, and a restore into a scratch database that proves the dump —
        //    with the S3 endpoint down when the upload first tries: the upload retries until it is back.
        await _s3.StopAsync();
        using var backup = BatonProcess.Start(_stack, "run", "backup", _stack, "--var-file", VarFile, "--input", "keep=2");
        string? backupRun = null;
        await WaitUntilAsync(() =>
        {
            var listed = BatonProcess.RunAsync(_stack, CommandTimeout, "runs", _stack, "--json", "--workflow", "backup").GetAwaiter().GetResult();
            backupRun ??= JsonNode.Parse(listed.Out)!.AsArray().FirstOrDefault()?["id"]?.GetValue<string>();
            if (backupRun is null)
            {
                return false;
            }

            var events = JsonNode.Parse(BatonProcess.RunAsync(_stack, CommandTimeout, "runs", "show", backupRun, _stack, "--json").GetAwaiter().GetResult().Out)!["events"]!.AsArray();
            return events.Any(e => e!["kind"]!.GetValue<string>() == "step.retry_scheduled" && e["step"]!.GetValue<string>() == "upload");
        }, "the upload's first attempt failing against the stopped endpoint", TimeSpan.FromSeconds(90));
        await _s3.RestartAsync();
        var (backupExit, backupOut, backupError) = await backup.WaitAsync(CommandTimeout);
        Assert.True(backupExit == 0, $"the backup run failed:\n{backupOut}\n{backupError}");
        output.WriteLine(backupOut);
        var shown = JsonNode.Parse((await BatonAsync(0, "runs", "show", backupRun!, _stack, "--json")).Out)!;
        Assert.Equal("succeeded", shown["status"]!.GetValue<string>());
        var upload = shown["steps"]!.AsArray().Single(st => st!["key"]!.GetValue<string>() == "upload")!;
        Assert.True(upload["attempt"]!.GetValue<int>() >= 2, "the upload succeeded only after a retry");
        Assert.Single(shown["events"]!.AsArray(), e => e!["kind"]!.GetValue<string>() == "step.succeeded" && e["step"]!.GetValue<string>() == "upload");
        Assert.Equal(4, shown["outputs"]!["rows"]!.GetValue<double>());
        var key = shown["outputs"]!["key"]!.GetValue<string>();
        using (var s3 = _s3.CreateClient())
        {
            var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket + "-backups", Prefix = "backups/" });
            var stored = Assert.Single(listed.S3Objects ?? []);
            Assert.Equal(key, stored.Key);
            Assert.Equal(shown["outputs"]!["bytes"]!.GetValue<double>(), (double)stored.Size!.Value);
        }

        await using (var connection = new NpgsqlConnection(_postgres.ConnectionString()))
        {
            await connection.OpenAsync();
            Assert.Equal(0L, await ScalarAsync(connection, "SELECT count(*) FROM pg_database WHERE datname LIKE 'verify-%'"));
        }

        Assert.Empty(Directory.GetFiles(Path.Combine(_stack, "backups")));

        // 8. Disaster recovery: restore the newest backup into a new database and, once approved, serve from it. A
        //    product added after the backup is not in it, so the shop no longer lists it.
        await using (var admin = new NpgsqlConnection(_postgres.ConnectionString("shop")))
        {
            await admin.OpenAsync();
            await using var insert = new NpgsqlCommand("INSERT INTO products (id, name, price_cents) VALUES (99, 'Added after the backup', 100)", admin);
            await insert.ExecuteNonQueryAsync();
        }

        Assert.Contains("Added after the backup", await client.GetStringAsync(new Uri(url, "/products")), StringComparison.Ordinal);
        string restoreRun;
        using (var restore = BatonProcess.Start(_stack, "run", "restore", _stack, "--var-file", VarFile))
        {
            restoreRun = await WaitForApprovalAsync("restore", "gate", []);
            await BatonAsync(0, "approve", restoreRun, "gate", _stack, "--comment", "row counts match");
            var (exit, restoreOut, restoreError) = await restore.WaitAsync(CommandTimeout);
            output.WriteLine(restoreOut);
            Assert.True(exit == 0, $"the restore run failed:\n{restoreOut}\n{restoreError}");
        }

        var afterRestore = await client.GetStringAsync(new Uri(url, "/products"));
        Assert.Contains("Metronome", afterRestore, StringComparison.Ordinal);
        Assert.DoesNotContain("Added after the backup", afterRestore, StringComparison.Ordinal);

        // 9. A rejected restore compensates: the database it made is dropped; the shop keeps serving.
        using (var rejected = BatonProcess.Start(_stack, "run", "restore", _stack, "--var-file", VarFile))
        {
            var rejectedRun = await WaitForApprovalAsync("restore", "gate", [restoreRun]);
            await BatonAsync(0, "approve", rejectedRun, "gate", _stack, "--reject", "--comment", "wrong backup");
            var (exit, rejectedOut, _) = await rejected.WaitAsync(CommandTimeout);
            output.WriteLine(rejectedOut);
            Assert.Equal(1, exit);
            var shownRejected = JsonNode.Parse((await BatonAsync(0, "runs", "show", rejectedRun, _stack, "--json")).Out)!;
            Assert.Equal("failed", shownRejected["status"]!.GetValue<string>());
            Assert.Contains(shownRejected["steps"]!.AsArray(), st => st!["key"]!.GetValue<string>() == "restore_db" && st["status"]!.GetValue<string>() == "compensated");
            await using var connection = new NpgsqlConnection(_postgres.ConnectionString());
            await connection.OpenAsync();
            Assert.Equal(0L, await ScalarAsync(connection, $"SELECT count(*) FROM pg_database WHERE datname = 'restored-{rejectedRun}'"));
        }

        Assert.Contains("Metronome", await client.GetStringAsync(new Uri(url, "/products")), StringComparison.Ordinal);

        // Back to the primary database (an apply without serve_from), then the restored one can go.
        await BatonAsync(0, "apply", _stack, "--auto-approve", "--var-file", VarFile);
        Assert.Contains("Added after the backup", await client.GetStringAsync(new Uri(url, "/products")), StringComparison.Ordinal);
        await using (var admin = new NpgsqlConnection(_postgres.ConnectionString()))
        {
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE \"restored-{restoreRun}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }

        // 10. The deploy runbook: version 3 rolls out and passes its checks; "broken-4" cannot start, so the run fails
        //     and its compensation rolls the web tier back to version 3.
        var (_, deployOut, _) = await BatonAsync(0, "run", "deploy", _stack, "--var-file", VarFile, "--input", "version=3");
        Assert.Contains("deployed = \"3\"", deployOut, StringComparison.Ordinal);
        var deployed = await VersionsAsync(client, url, 60);
        Assert.Equal(["3"], deployed.Keys);
        var (_, brokenOut, _) = await BatonAsync(1, "run", "deploy", _stack, "--var-file", VarFile, "--input", "version=broken-4");
        output.WriteLine(brokenOut);
        Assert.Contains("rollout", brokenOut, StringComparison.Ordinal);
        Assert.Contains("< current: compensated", brokenOut, StringComparison.Ordinal);
        var rolledBack = await VersionsAsync(client, url, 60);
        Assert.Equal(["3"], rolledBack.Keys);
        Assert.Equal(5, rolledBack["3"].Count);

        // 11. Destroy leaves no process, database, role or bucket.
        await BatonAsync(0, "destroy", _stack, "--auto-approve", "--var-file", VarFile);
        _destroyed = true;
        foreach (var pid in _pidsSeen)
        {
            await WaitUntilAsync(() => !IsAlive(pid), $"replica pid {pid} still runs after destroy");
        }

        await using (var connection = new NpgsqlConnection(_postgres.ConnectionString()))
        {
            await connection.OpenAsync();
            Assert.Equal(0L, await ScalarAsync(connection, "SELECT count(*) FROM pg_database WHERE datname = 'shop'"));
            Assert.Equal(0L, await ScalarAsync(connection, "SELECT count(*) FROM pg_roles WHERE rolname = 'shop'"));
        }

        using (var s3 = _s3.CreateClient())
        {
            var buckets = await s3.ListBucketsAsync(new ListBucketsRequest());
            Assert.DoesNotContain(buckets.Buckets ?? [], b => b.BucketName == _bucket);
            Assert.DoesNotContain(buckets.Buckets ?? [], b => b.BucketName == _bucket + "-backups");
        }

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri(url, "/products")));
    }

    [Fact]
    public async Task Runbooks_KilledAtRandomMoments_FinishAsUninterruptedRunsWould_WithNothingLeftBehind()
    {
        await BatonAsync(0, "apply", _stack, "--auto-approve", "--var-file", VarFile);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var url = new Uri((await OutputsAsync())["url"]!.GetValue<string>());
        Assert.Contains("Metronome", await client.GetStringAsync(new Uri(url, "/products")), StringComparison.Ordinal);

        var random = new Random(Environment.TickCount);
        var kills = new Dictionary<string, int>(StringComparer.Ordinal) { ["backup"] = 0, ["restore"] = 0 };
        // Restore runs are killed only before their approval gate: the switch after it (a rolling update of the web
        // tier through stack.apply) is not yet killed here.
        foreach (var (workflow, wanted) in new[] { ("backup", 14), ("restore", 6) })
        {
            var clock = Stopwatch.StartNew();
            var resume = false;
            string? runId = null;
            // Runs that finished: right after a new `baton run` starts (slow on a busy machine), the newest run may
            // still be the one before it, which must not be taken for the new one.
            var done = new HashSet<string>(StringComparer.Ordinal);
            // Bounded in time as well as in kills: a busy machine (the whole suite runs beside it) gets more of it.
            while (clock.Elapsed < TimeSpan.FromSeconds(240))
            {
                using var process = resume
                    ? BatonProcess.Start(_stack, "resume", _stack, "--var-file", VarFile)
                    : BatonProcess.Start(_stack, "run", workflow, _stack, "--var-file", VarFile);
                await Task.Delay(random.Next(300, workflow == "restore" ? 1500 : 2500));
                runId ??= await NewestRunAsync(workflow) is { } newest && !done.Contains(newest) ? newest : null;
                if (runId is not null && workflow == "restore" && await StepStatusAsync(runId, "gate") is { } gate)
                {
                    if (gate == "waitingapproval")
                    {
                        await BatonAsync(0, "approve", runId, "gate", _stack);
                    }

                    // Past the gate: let this run finish unkilled.
                    var (finishedCode, finishedText, finishedError) = await process.WaitAsync(CommandTimeout);
                    Assert.True(finishedCode == 0 || !resume, $"{workflow}: a run or resume failed:\n{finishedText}\n{finishedError}");
                    done.Add(runId);
                    if (kills[workflow] >= wanted)
                    {
                        break;
                    }

                    resume = false;
                    runId = null;
                    continue;
                }

                if (process.HasExited)
                {
                    var (code, text, error) = await process.WaitAsync(CommandTimeout);
                    Assert.True(code == 0, $"{workflow}: a run or resume failed:\n{text}\n{error}");
                    // The run this process ran has finished: it is the newest one now.
                    if ((runId ?? await NewestRunAsync(workflow)) is { } finished)
                    {
                        done.Add(finished);
                    }

                    if (kills[workflow] >= wanted)
                    {
                        break;
                    }

                    resume = false; // finished before the kill: start another run so kills go on landing mid-run
                    runId = null;
                    continue;
                }

                process.Kill();
                kills[workflow]++;
                resume = true;
                if (kills[workflow] >= wanted)
                {
                    break;
                }
            }

            // Whatever is left unfinished finishes now, approvals included.
            using (var final = BatonProcess.Start(_stack, "resume", _stack, "--var-file", VarFile))
            {
                var limit = Stopwatch.StartNew();
                while (!final.HasExited && limit.Elapsed < CommandTimeout)
                {
                    foreach (var waiting in await UnfinishedAsync(workflow))
                    {
                        if (await StepStatusAsync(waiting, "gate") == "waitingapproval")
                        {
                            await BatonAsync(0, "approve", waiting, "gate", _stack);
                        }
                    }

                    await Task.Delay(500);
                }

                var (code, text, error) = await final.WaitAsync(CommandTimeout);
                Assert.True(code == 0, $"{workflow}: the final resume failed:\n{text}\n{error}");
            }

            Assert.Empty(await UnfinishedAsync(workflow));
        }

        output.WriteLine($"kills: backup {kills["backup"]}, restore {kills["restore"]}");
        Assert.True(kills["backup"] + kills["restore"] >= 20, $"only {kills["backup"] + kills["restore"]} kills");

        // Every run succeeded, each step's result is recorded once, and each step of an uninterrupted run is there.
        // Every run: a long kill loop makes more than the 50 that `runs` lists by default.
        var all = JsonNode.Parse((await BatonAsync(0, "runs", _stack, "--json", "--limit", "10000")).Out)!.AsArray();
        Assert.NotEmpty(all);
        var restored = new List<string>();
        foreach (var run in all)
        {
            var id = run!["id"]!.GetValue<string>();
            var shown = JsonNode.Parse((await BatonAsync(0, "runs", "show", id, _stack, "--json")).Out)!;
            Assert.True(shown["status"]!.GetValue<string>() == "succeeded", $"run {id} is {shown["status"]}: {shown["error"]}");
            // A step's result is its step.succeeded event (step.approved for an approval gate).
            var succeeded = shown["events"]!.AsArray().Where(e => e!["kind"]!.GetValue<string>() is "step.succeeded" or "step.approved").Select(e => e!["step"]!.GetValue<string>()).ToList();
            Assert.Equal(succeeded.Count, succeeded.Distinct().Count());
            var workflow = run["workflow"]!.GetValue<string>();
            var expected = workflow == "backup"
                ? new[] { "prepare", "dump", "upload", "prune", "source_rows", "verify_restore", "restored_rows", "compare", "drop_scratch", "remove_local" }
                : ["prepare", "list", "fetch", "restore_db", "rows", "gate", "switch", "check", "remove_local"];
            Assert.Equal(expected.Order(), succeeded.Order());
            Assert.Equal(4, shown["outputs"]!["rows"]!.GetValue<double>());
            if (workflow == "restore")
            {
                restored.Add("restored-" + id);
            }
        }

        // No scratch database is left, and the only restored databases are the runs' own, one each.
        await using (var connection = new NpgsqlConnection(_postgres.ConnectionString()))
        {
            await connection.OpenAsync();
            Assert.Equal(0L, await ScalarAsync(connection, "SELECT count(*) FROM pg_database WHERE datname LIKE 'verify-%'"));
            await using var command = new NpgsqlCommand("SELECT datname FROM pg_database WHERE datname LIKE 'restored-%' ORDER BY 1", connection);
            await using var reader = await command.ExecuteReaderAsync();
            var found = new List<string>();
            while (await reader.ReadAsync())
            {
                found.Add(reader.GetString(0));
            }

            Assert.Equal(restored.Order(), found);
        }

        Assert.Contains("Metronome", await client.GetStringAsync(new Uri(url, "/products")), StringComparison.Ordinal);

        // Back on the primary database; the restored ones go, then the stack.
        await BatonAsync(0, "apply", _stack, "--auto-approve", "--var-file", VarFile);
        await using (var admin = new NpgsqlConnection(_postgres.ConnectionString()))
        {
            await admin.OpenAsync();
            foreach (var database in restored)
            {
                await using var drop = new NpgsqlCommand($"DROP DATABASE \"{database}\" WITH (FORCE)", admin);
                await drop.ExecuteNonQueryAsync();
            }
        }

        await BatonAsync(0, "destroy", _stack, "--auto-approve", "--var-file", VarFile);
        _destroyed = true;
    }

    private async Task<string?> NewestRunAsync(string workflow)
    {
        var listed = await BatonProcess.RunAsync(_stack, CommandTimeout, "runs", _stack, "--json", "--workflow", workflow);
        return JsonNode.Parse(listed.Out)?.AsArray().Select(r => r!["id"]!.GetValue<string>()).FirstOrDefault();
    }

    private async Task<List<string>> UnfinishedAsync(string workflow)
    {
        var listed = await BatonProcess.RunAsync(_stack, CommandTimeout, "runs", _stack, "--json", "--workflow", workflow);
        return [.. JsonNode.Parse(listed.Out)!.AsArray()
            .Where(r => r!["status"]!.GetValue<string>() is not ("succeeded" or "failed" or "cancelled"))
            .Select(r => r!["id"]!.GetValue<string>())];
    }

    private async Task<string?> StepStatusAsync(string runId, string step)
    {
        var shown = await BatonProcess.RunAsync(_stack, CommandTimeout, "runs", "show", runId, _stack, "--json");
        return JsonNode.Parse(shown.Out)?["steps"]?.AsArray().FirstOrDefault(s => s!["key"]!.GetValue<string>() == step)?["status"]?.GetValue<string>();
    }

    private Task<(int ExitCode, string Out, string Error)> BatonAsync(int expectedExit, params string[] args) =>
        ShopChecks.BatonAsync(output, _stack, CommandTimeout, _postgres.Password, expectedExit, args);

    /// <summary>The id of the newest run of <paramref name="workflow"/> not in <paramref name="exclude"/>, once its step waits for approval.</summary>
    private async Task<string> WaitForApprovalAsync(string workflow, string step, string[] exclude)
    {
        string? runId = null;
        await WaitUntilAsync(() =>
        {
            var listed = BatonProcess.RunAsync(_stack, CommandTimeout, "runs", _stack, "--json", "--workflow", workflow).GetAwaiter().GetResult();
            runId = JsonNode.Parse(listed.Out)!.AsArray().Select(r => r!["id"]!.GetValue<string>()).FirstOrDefault(id => !exclude.Contains(id));
            if (runId is null)
            {
                return false;
            }

            var steps = JsonNode.Parse(BatonProcess.RunAsync(_stack, CommandTimeout, "runs", "show", runId, _stack, "--json").GetAwaiter().GetResult().Out)!["steps"]!.AsArray();
            return steps.Any(st => st!["key"]!.GetValue<string>() == step && st["status"]!.GetValue<string>() == "waitingapproval");
        }, $"step {step} of a {workflow} run waiting for approval", TimeSpan.FromSeconds(90));
        return runId!;
    }

    private async Task<JsonObject> OutputsAsync()
    {
        var (_, text, _) = await BatonAsync(0, "output", _stack, "--json");
        var outputs = JsonNode.Parse(text)!.AsObject();
        foreach (var pid in Pids(outputs).Where(p => !_pidsSeen.Contains(p)))
        {
            _pidsSeen.Add(pid);
        }

        return outputs;
    }

    private static List<int> Pids(JsonObject outputs) =>
        [.. outputs["pids"]!.AsArray().Select(p => (int)p!.GetValue<double>())];

    private static List<string> Strings(JsonNode? node) => [.. node!.AsArray().Select(e => e!.GetValue<string>())];

    private static async Task<Dictionary<string, HashSet<string>>> VersionsAsync(HttpClient client, Uri url, int requests)
    {
        var seen = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        for (var i = 0; i < requests; i++)
        {
            using var response = await client.GetAsync(new Uri(url, "/healthz"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var version = response.Headers.GetValues("X-Shop-Version").Single();
            var instance = response.Headers.GetValues("X-Shop-Instance").Single();
            if (!seen.TryGetValue(version, out var instances))
            {
                seen[version] = instances = new HashSet<string>(StringComparer.Ordinal);
            }

            instances.Add(instance);
        }

        return seen;
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static bool IsAlive(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat))
        {
            return false;
        }

        try
        {
            // A zombie (state Z) has exited; it only waits for its parent to collect it.
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)..].FirstOrDefault() != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string message, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, message);
            await Task.Delay(100);
        }
    }
}
