using System.Collections.Immutable;
using Baton.Providers.Process;
using Baton.Providers.Tests.Conformance;
using Baton.Runtime;
using Baton.Values;

namespace Baton.Providers.Tests.Process;

/// <summary>The actions process.restart, process.exec and process.logs against real processes.</summary>
public sealed class ProcessActionTests : IDisposable
{
    private const string Type = "process.service";
    private const string Address = "process.service.web";

    private readonly ProcessFixture _fixture = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };

    public void Dispose()
    {
        _http.Dispose();
        _fixture.Dispose();
    }

    private static Value Argv(params string[] argv) => Value.List(argv.Select(Value.String));

    private static Value WebInputs(int replicas) => V.Map(
        ("command", Argv("sh", "-c", "mkdir -p \"www/$PORT\" && echo ok > \"www/$PORT/health\" && exec python3 -m http.server --bind 127.0.0.1 --directory \"www/$PORT\" \"$PORT\"")),
        ("replicas", replicas),
        ("port", "auto"),
        ("stop_timeout", "2s"),
        ("health", V.Map(("http", "/health"), ("interval", "100ms"), ("timeout", "1s"), ("start_period", "10s"))));

    private static ImmutableArray<Value> States(Value attributes) => attributes.AsMap()["replicas_state"].AsList();

    private static async Task<ResourceResult> CreateAsync(IProvider provider, Value inputs)
    {
        var created = await provider.CreateAsync(new CreateRequest { Type = Type, Address = Address, Inputs = inputs, IdempotencyKey = "op-" + Guid.NewGuid().ToString("N") }, CancellationToken.None);
        Assert.Null(created.Error);
        return created;
    }

    private static async Task<InvokeResult> InvokeAsync(IProvider provider, string action, Value inputs) =>
        await provider.InvokeAsync(new InvokeRequest { Action = action, Inputs = inputs, IdempotencyKey = "run/step/" + Guid.NewGuid().ToString("N") }, CancellationToken.None);

    [Fact]
    public void Schema_DeclaresTheActions()
    {
        var names = new ProcessProviderFactory().Schema.Actions.Select(a => a.Name).ToArray();
        Assert.Equal(["process.restart", "process.exec", "process.logs"], names);
    }

    [Fact]
    public async Task Restart_Rolling_ReplacesEachReplicaOnItsPort_NeverLeavingNoneServing()
    {
        await using var provider = await _fixture.StartAsync();
        var created = await CreateAsync(provider, WebInputs(2));
        var endpoints = created.Attributes!.AsMap()["endpoints"];
        var before = created.Attributes!.AsMap()["pids"].AsList();

        // Between steps at least one replica answers.
        var serving = new List<int>();
        ((ProcessProvider)provider).RolloutStepObserver = async ct =>
        {
            var answers = await Task.WhenAll(endpoints.AsList().Select(async e =>
            {
                try
                {
                    return (await _http.GetAsync(new Uri($"http://{e.AsString()}/health"), ct)).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }));
            serving.Add(answers.Count(a => a));
        };

        var restarted = await InvokeAsync(provider, "process.restart", V.Map(("service", created.Id!)));
        Assert.Null(restarted.Error);
        var after = restarted.Outputs.AsMap()["pids"].AsList();
        Assert.Equal(2, after.Length);
        Assert.Empty(after.Intersect(before));
        Assert.Equal(endpoints, restarted.Outputs.AsMap()["endpoints"]);
        Assert.NotEmpty(serving);
        Assert.All(serving, count => Assert.True(count >= 1));

        var read = await provider.ReadAsync(new ReadRequest { Type = Type, Address = Address, Id = created.Id }, CancellationToken.None);
        Assert.All(States(read.Attributes!), s => Assert.Equal(Value.True, s.AsMap()["healthy"]));
        Assert.Equal(after.Select(p => p.AsNumber()), read.Attributes!.AsMap()["pids"].AsList().Select(p => p.AsNumber()));
        Assert.All(States(read.Attributes!), s => Assert.Equal(Value.False, s.AsMap()["rollout"]));
    }

    [Fact]
    public async Task Restart_All_StopsEveryReplicaThenStartsThemAll()
    {
        await using var provider = await _fixture.StartAsync();
        var created = await CreateAsync(provider, V.Map(("command", Argv("sleep", "300")), ("replicas", 2)));
        var before = created.Attributes!.AsMap()["pids"].AsList();
        var restarted = await InvokeAsync(provider, "process.restart", V.Map(("service", created.Id!), ("strategy", "all")));
        Assert.Null(restarted.Error);
        var after = restarted.Outputs.AsMap()["pids"].AsList();
        Assert.Equal(2, after.Length);
        Assert.Empty(after.Intersect(before));
        Assert.All(States(created.Attributes!), s => Assert.False(ProcessGroups.IsAlive((int)s.AsMap()["pid"].AsNumber(), (long)s.AsMap()["start_time"].AsNumber())));
    }

    [Fact]
    public async Task Restart_UnknownService_FailsNamingTheId()
    {
        await using var provider = await _fixture.StartAsync();
        var result = await InvokeAsync(provider, "process.restart", V.Map(("service", "proc-00000000000000000000")));
        Assert.Equal(ProviderErrorKind.Permanent, result.Error!.Kind);
        Assert.Contains("proc-00000000000000000000", result.Error.Message, StringComparison.Ordinal);

        var bad = await InvokeAsync(provider, "process.restart", V.Map(("service", "proc-00000000000000000000"), ("strategy", "sometimes")));
        Assert.Contains("strategy", bad.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_Standalone_ReturnsOutputAndExitCode_NonZeroIsNotAnError()
    {
        await using var provider = await _fixture.StartAsync();
        Directory.CreateDirectory(Path.Combine(_fixture.Stack, "sub"));
        var result = await InvokeAsync(provider, "process.exec", V.Map(
            ("command", Argv("sh", "-c", "echo \"$GREETING from $(pwd)\"; echo oops >&2; exit 3")),
            ("env", V.Map(("GREETING", "hi"))),
            ("working_dir", "sub")));
        Assert.Null(result.Error);
        var outputs = result.Outputs.AsMap();
        Assert.Equal(Value.Number(3), outputs["exit_code"]);
        Assert.Equal($"hi from {Path.Combine(_fixture.Stack, "sub")}\n", outputs["stdout"].AsString());
        Assert.Equal("oops\n", outputs["stderr"].AsString());
        Assert.Equal(Value.False, outputs["stdout_truncated"]);
    }

    [Fact]
    public async Task Exec_ExpectExitCodeMismatch_FailsWithTheCodeAndStderr()
    {
        await using var provider = await _fixture.StartAsync();
        var result = await InvokeAsync(provider, "process.exec", V.Map(("command", Argv("sh", "-c", "echo broken >&2; exit 2")), ("expect_exit_code", 0)));
        Assert.Equal(ProviderErrorKind.Permanent, result.Error!.Kind);
        Assert.Contains("exited with 2, expected 0", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains("broken", result.Error.Message, StringComparison.Ordinal);

        var ok = await InvokeAsync(provider, "process.exec", V.Map(("command", Argv("true")), ("expect_exit_code", 0)));
        Assert.Null(ok.Error);
    }

    [Fact]
    public async Task Exec_ShellString_MissingProgram_AndTimeout_AreClearErrors()
    {
        await using var provider = await _fixture.StartAsync();
        var shell = await InvokeAsync(provider, "process.exec", V.Map(("command", "echo hi; rm -rf /")));
        Assert.Contains("command must be an argument list, not a shell string", shell.Error!.Message, StringComparison.Ordinal);

        var missing = await InvokeAsync(provider, "process.exec", V.Map(("command", Argv("no-such-program-baton"))));
        Assert.Contains("\"no-such-program-baton\" is not found", missing.Error!.Message, StringComparison.Ordinal);

        var started = DateTime.UtcNow;
        var slow = await InvokeAsync(provider, "process.exec", V.Map(("command", Argv("sleep", "30")), ("timeout", "300ms")));
        Assert.Contains("did not finish within", slow.Error!.Message, StringComparison.Ordinal);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Exec_LargeOutput_IsBoundedAndMarkedTruncated()
    {
        await using var provider = await _fixture.StartAsync();
        var result = await InvokeAsync(provider, "process.exec", V.Map(("command", Argv("sh", "-c", "head -c 200000 /dev/zero | tr '\\0' a"))));
        Assert.Null(result.Error);
        Assert.Equal(64 * 1024, result.Outputs.AsMap()["stdout"].AsString().Length);
        Assert.Equal(Value.True, result.Outputs.AsMap()["stdout_truncated"]);
        Assert.Equal(Value.Number(0), result.Outputs.AsMap()["exit_code"]);
    }

    [Fact]
    public async Task Exec_AgainstAService_RunsInItsDirectoryWithItsEnv()
    {
        Directory.CreateDirectory(Path.Combine(_fixture.Stack, "app"));
        await using var provider = await _fixture.StartAsync();
        var created = await CreateAsync(provider, V.Map(("command", Argv("sleep", "300")), ("working_dir", "app"), ("env", V.Map(("MODE", "service"), ("COLOR", "blue")))));
        var result = await InvokeAsync(provider, "process.exec", V.Map(
            ("service", created.Id!),
            ("command", Argv("sh", "-c", "echo \"$MODE $COLOR $(pwd)\"")),
            ("env", V.Map(("COLOR", "red")))));
        Assert.Null(result.Error);
        Assert.Equal($"service red {Path.Combine(_fixture.Stack, "app")}\n", result.Outputs.AsMap()["stdout"].AsString());
    }

    [Fact]
    public async Task Logs_ReturnsTheLastLinesOfEachReplica()
    {
        await using var provider = await _fixture.StartAsync();
        var created = await CreateAsync(provider, V.Map(
            ("command", Argv("sh", "-c", "for i in 1 2 3 4 5; do echo \"line $i of $PORT\"; done; echo err >&2; exec sleep 300")),
            ("replicas", 2),
            ("port", "auto")));
        var endpoints = created.Attributes!.AsMap()["endpoints"].AsList().Select(e => e.AsString().Split(':')[1]).ToArray();
        InvokeResult result = new();
        for (var i = 0; i < 100; i++)
        {
            result = await InvokeAsync(provider, "process.logs", V.Map(("service", created.Id!), ("lines", 3)));
            if (result.Outputs.AsMap()["replicas"].AsList().All(r => r.AsMap()["lines"].AsString().EndsWith("err", StringComparison.Ordinal)))
            {
                break;
            }

            await Task.Delay(50);
        }

        Assert.Null(result.Error);
        var replicas = result.Outputs.AsMap()["replicas"].AsList();
        Assert.Equal(2, replicas.Length);
        for (var index = 0; index < 2; index++)
        {
            var entry = replicas[index].AsMap();
            Assert.Equal(Value.Number(index), entry["index"]);
            Assert.Equal(Value.True, entry["alive"]);
            Assert.Equal($"line 4 of {endpoints[index]}\nline 5 of {endpoints[index]}\nerr", entry["lines"].AsString());
            Assert.Equal(Value.True, entry["truncated"]);
        }

        var all = await InvokeAsync(provider, "process.logs", V.Map(("service", created.Id!)));
        Assert.Equal(Value.False, all.Outputs.AsMap()["replicas"].AsList()[0].AsMap()["truncated"]);
        Assert.Contains("line 1 of", all.Outputs.AsMap()["replicas"].AsList()[0].AsMap()["lines"].AsString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownAction_IsAPermanentError()
    {
        await using var provider = await _fixture.StartAsync();
        var result = await InvokeAsync(provider, "process.reboot", Value.EmptyMap);
        Assert.Equal(ProviderErrorKind.Permanent, result.Error!.Kind);
        Assert.Contains("no action \"process.reboot\"", result.Error.Message, StringComparison.Ordinal);
    }
}
