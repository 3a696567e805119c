using System.Text.Json;
using Baton.Providers.Sim;
using Baton.State;
using Baton.State.Sqlite;
using Baton.Values;

namespace Baton.Cli.Tests;

/// <summary>
/// The engine commands in-process against a quickstart-like stack (sim and file resources, a template, outputs, a
/// sensitive output and a policy) in a temp directory, with no latency so they run in milliseconds.
/// </summary>
public sealed class EngineCommandTests : IDisposable
{
    private const string StackYaml = """
        stack: shop
        variables:
          environment:
            type: string
            default: dev
          workers:
            type: int
            default: 2
          password:
            type: string
            default: hunter2-secret
            sensitive: true
        providers:
          sim:
            world: .baton/sim-world.db
          file:
            roots: [out]
        resources:
          network:
            type: sim.resource
            properties:
              input: { cidr: 10.0.0.0/16, environment: "${var.environment}" }
          database:
            type: sim.resource
            properties:
              input: { network: "${network.id}", password: "${var.password}" }
          workers:
            type: sim.resource
            count: ${var.workers}
            properties:
              input: { name: "worker-${count.index}", database: "${database.id}" }
          balancer:
            type: sim.resource
            properties:
              input: { backends: "${workers[*].id}" }
          config_dir:
            type: file.directory
            properties:
              path: out/${var.environment}
          app_config:
            type: file.template
            properties:
              path: ${config_dir.path}/app.conf
              source: templates/app.conf.tpl
              vars:
                environment: ${var.environment}
                balancer: ${balancer.id}
          motd:
            type: file.file
            depends_on: [config_dir]
            properties:
              path: out/${var.environment}/motd.txt
              content: "hello ${var.environment}\n"
        outputs:
          balancer: ${balancer.id}
          config_path: ${app_config.path}
          worker_ids: ${workers[*].id}
          db_password:
            value: ${var.password}
            sensitive: true
        policies:
          - name: tagged-network
            when: resource.name == "network"
            require: resource.properties.input.environment != ""
            message: the network must carry its environment
        """;

    private static readonly string[] Addresses =
        ["app_config", "balancer", "config_dir", "database", "motd", "network", "workers[0]", "workers[1]"];

    private readonly CliStack _stack = new("baton-cli-engine-", StackYaml);

    public EngineCommandTests()
    {
        Directory.CreateDirectory(_stack.Combine("templates"));
        File.WriteAllText(_stack.Combine("templates", "app.conf.tpl"), "environment = ${environment}\nbalancer = ${balancer}\n");
    }

    public void Dispose() => _stack.Dispose();

    [Fact]
    public void Apply_NewStack_CreatesEverythingAndPlanThenHasNoChanges()
    {
        var apply = Run("apply", "--auto-approve");

        Assert.True(apply.ExitCode == 0, apply.Error + apply.Out);
        Assert.Contains("Apply complete: 8 created, 0 updated, 0 replaced, 0 deleted, 0 failed, 0 skipped.", apply.Out, StringComparison.Ordinal);
        using (var world = _stack.World())
        {
            Assert.Equal(5, world.CountLive());
            Assert.Empty(world.DuplicateAddresses());
        }

        Assert.Equal("environment = dev\nbalancer = " + BalancerId() + "\n", File.ReadAllText(_stack.Combine("out", "dev", "app.conf")));
        Assert.Equal("hello dev\n", File.ReadAllText(_stack.Combine("out", "dev", "motd.txt")));

        var unchanged = Run("plan", "--detailed-exitcode");
        Assert.True(unchanged.ExitCode == 0, unchanged.Error + unchanged.Out);
        Assert.Contains("No changes.", unchanged.Out, StringComparison.Ordinal);

        var changed = Run("plan", "--detailed-exitcode", "--var", "workers=3");
        Assert.True(changed.ExitCode == 2, changed.Error + changed.Out);
        Assert.Contains("Plan: 1 to create, 1 to update, 0 to replace, 0 to delete.", changed.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_AfterApply_PrintsBareValuesJsonAndRedactsSensitiveOnes()
    {
        Assert.Equal(0, Run("apply", "--auto-approve").ExitCode);
        var balancer = BalancerId();

        var bare = Run("output", ".", "balancer");
        var path = Run("output", ".", "config_path");
        var json = Run("output", "--json");
        var all = Run("output");
        var secret = Run("output", ".", "db_password");
        var revealed = Run("output", ".", "db_password", "--show-sensitive");

        Assert.Equal(balancer + "\n", bare.Out);
        Assert.Equal("out/dev/app.conf\n", path.Out);
        Assert.Equal(0, json.ExitCode);
        using (var document = JsonDocument.Parse(json.Out))
        {
            var root = document.RootElement;
            Assert.Equal(balancer, root.GetProperty("balancer").GetString());
            Assert.Equal("out/dev/app.conf", root.GetProperty("config_path").GetString());
            Assert.Equal(2, root.GetProperty("worker_ids").GetArrayLength());
            Assert.Equal("(sensitive)", root.GetProperty("db_password").GetString());
        }

        Assert.Contains("db_password = (sensitive)", all.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", all.Out, StringComparison.Ordinal);
        Assert.Equal("(sensitive)\n", secret.Out);
        Assert.Equal("hunter2-secret\n", revealed.Out);
    }

    [Fact]
    public void Output_UnknownName_FailsListingTheOutputs()
    {
        Assert.Equal(0, Run("apply", "--auto-approve").ExitCode);

        var result = Run("output", ".", "nope");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("there is no output \"nope\"; outputs: balancer, config_path, db_password, worker_ids", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void StateListShowAndRm_AfterApply_ShowWhatStateHoldsAndForgetting_PlansACreate()
    {
        Assert.Equal(0, Run("apply", "--auto-approve").ExitCode);

        var list = Run("state", "list");
        Assert.Equal(0, list.ExitCode);
        var lines = list.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Addresses, lines.Select(l => l.Split('\t')[0]).ToArray());

        var show = Run("state", "show", "balancer");
        Assert.Equal(0, show.ExitCode);
        Assert.Contains("balancer (sim.resource)", show.Out, StringComparison.Ordinal);
        Assert.Contains($"id           = {BalancerId()}", show.Out, StringComparison.Ordinal);
        Assert.Contains("dependencies = [workers[0], workers[1]]", show.Out, StringComparison.Ordinal);

        var database = Run("state", "show", "database");
        Assert.DoesNotContain("hunter2-secret", database.Out, StringComparison.Ordinal);

        var rm = Run("state", "rm", "motd");
        Assert.True(rm.ExitCode == 0, rm.Error);
        Assert.Contains("Removed 1 object from state.", rm.Out, StringComparison.Ordinal);
        var planned = Run("plan", "--json");
        Assert.Equal(0, planned.ExitCode);
        using var document = JsonDocument.Parse(planned.Out);
        var changes = document.RootElement.GetProperty("changes").EnumerateArray()
            .ToDictionary(c => c.GetProperty("address").GetString()!, c => c.GetProperty("action").GetString()!);
        Assert.Equal("create", changes["motd"]);
        Assert.Equal(7, changes.Values.Count(a => a == "noop"));
    }

    [Fact]
    public void StateShow_UnknownAddress_FailsWithAHint()
    {
        Assert.Equal(0, Run("apply", "--auto-approve").ExitCode);

        var result = Run("state", "show", "balancr");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("there is no balancr in the state of \"shop\"", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void StateExportThenImport_RoundTrips_WithAHigherSerial()
    {
        Assert.Equal(0, Run("apply", "--auto-approve").ExitCode);
        var exportPath = _stack.Combine("state.json");

        var export = Run("state", "export", "--output", exportPath);
        Assert.True(export.ExitCode == 0, export.Error);
        Assert.DoesNotContain("hunter2-secret", File.ReadAllText(exportPath), StringComparison.Ordinal);
        var before = LoadState();

        var import = Run("state", "import", exportPath);

        Assert.True(import.ExitCode == 0, import.Error);
        var after = LoadState();
        Assert.Contains($"Imported 8 objects into \"shop\" (serial {after.Serial}).", import.Out, StringComparison.Ordinal);
        Assert.True(after.Serial > before.Serial, $"serial {before.Serial} → {after.Serial}");
        Assert.Equal(Describe(before), Describe(after));
        Assert.Equal(before.Outputs, after.Outputs);
        Assert.Equal(0, Run("plan", "--detailed-exitcode").ExitCode);
    }

    [Fact]
    public async Task ForceUnlock_WrongId_FailsNamingTheRealLock()
    {
        var notLocked = Run("force-unlock", "nosuchlock");
        Assert.Equal(1, notLocked.ExitCode);
        Assert.Contains("stack \"shop\" is not locked", notLocked.Error, StringComparison.Ordinal);

        Assert.Equal(0, Run("apply", "--auto-approve").ExitCode);
        StackLock held;
        {
            using var protector = Protector();
            await using var stores = await SqliteStores.OpenAsync(_stack.StatePath, protector, TimeProvider.System, CancellationToken.None);
            held = (await stores.Locks.AcquireLockAsync("shop", "someone@elsewhere", "apply", TimeSpan.FromMinutes(5), TimeSpan.Zero, CancellationToken.None)).Lock!;
        }

        var wrong = Run("force-unlock", "nosuchlock");
        var blocked = Run("plan", "--lock-timeout", "100ms");
        var right = Run("force-unlock", held.LockId);
        var after = Run("plan", "--detailed-exitcode");

        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains($"lock nosuchlock does not hold stack \"shop\"; the lock is {held.LockId}, held by someone@elsewhere", wrong.Error, StringComparison.Ordinal);
        Assert.Equal(1, blocked.ExitCode);
        Assert.Contains($"the stack is locked by someone@elsewhere for apply", blocked.Error, StringComparison.Ordinal);
        Assert.Contains($"baton force-unlock {held.LockId}", blocked.Error, StringComparison.Ordinal);
        Assert.Equal(0, right.ExitCode);
        Assert.Contains("Unlocked stack \"shop\".", right.Out, StringComparison.Ordinal);
        Assert.Equal(0, after.ExitCode);
    }

    [Fact]
    public void Destroy_AfterApply_RemovesEveryObjectAndFile()
    {
        Assert.Equal(0, Run("apply", "--auto-approve").ExitCode);
        Assert.True(File.Exists(_stack.Combine("out", "dev", "app.conf")));

        var destroy = Run("destroy", "--auto-approve");

        Assert.True(destroy.ExitCode == 0, destroy.Error + destroy.Out);
        Assert.Contains("Destroy complete: 0 created, 0 updated, 0 replaced, 8 deleted, 0 failed, 0 skipped.", destroy.Out, StringComparison.Ordinal);
        using (var world = _stack.World())
        {
            Assert.Equal(0, world.CountLive());
            Assert.Equal(5, world.CountOperations(SimOperationKind.Delete));
        }

        Assert.False(Directory.Exists(_stack.Combine("out", "dev")));
        Assert.Equal(string.Empty, Run("state", "list").Out);
        Assert.Equal(2, Run("plan", "--detailed-exitcode").ExitCode);
    }

    [Fact]
    public void Destroy_AfterAFileWasDeletedOutsideBaton_LeavesNothingInState()
    {
        Assert.Equal(0, Run("apply", "--auto-approve").ExitCode);
        File.Delete(_stack.Combine("out", "dev", "app.conf"));

        var destroy = Run("destroy", "--auto-approve");

        Assert.True(destroy.ExitCode == 0, destroy.Error + destroy.Out);
        Assert.Contains("8 deleted, 0 failed", destroy.Out, StringComparison.Ordinal);
        Assert.Equal(string.Empty, Run("state", "list").Out);
    }

    [Fact]
    public void PlanJson_NewStack_IsValidJsonWithTheSummary()
    {
        var result = Run("plan", "--json");

        Assert.True(result.ExitCode == 0, result.Error);
        using var document = JsonDocument.Parse(result.Out);
        var root = document.RootElement;
        Assert.Equal("shop", root.GetProperty("stack").GetString());
        Assert.Equal(0, root.GetProperty("serial").GetInt64());
        Assert.Equal(8, root.GetProperty("changes").GetArrayLength());
        var summary = root.GetProperty("summary");
        Assert.Equal(8, summary.GetProperty("create").GetInt32());
        Assert.Equal(0, summary.GetProperty("update").GetInt32());
        Assert.Equal(0, summary.GetProperty("replace").GetInt32());
        Assert.Equal(0, summary.GetProperty("delete").GetInt32());
        Assert.Equal(0, summary.GetProperty("unchanged").GetInt32());
        Assert.DoesNotContain("hunter2-secret", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void ApplySavedPlan_Unchanged_AppliesIt()
    {
        var plan = Run("plan", "-out", "tfplan.json");
        Assert.True(plan.ExitCode == 0, plan.Error);

        var apply = Run("apply", "tfplan.json");

        Assert.True(apply.ExitCode == 0, apply.Error + apply.Out);
        Assert.Contains("Apply complete: 8 created", apply.Out, StringComparison.Ordinal);
        Assert.Equal(0, Run("plan", "--detailed-exitcode").ExitCode);
    }

    [Fact]
    public void ApplySavedPlan_StateMovedSince_IsRefusedNamingTheSerials()
    {
        Assert.Equal(0, Run("apply", "--auto-approve").ExitCode);
        var saved = LoadState().Serial;
        Assert.Equal(0, Run("plan", "-out", "tfplan.json", "--var", "workers=3").ExitCode);
        var moved = Run("apply", "--auto-approve", "--var", "workers=4");
        Assert.True(moved.ExitCode == 0, moved.Error + moved.Out);
        var now = LoadState().Serial;

        var apply = Run("apply", "tfplan.json");

        Assert.Equal(1, apply.ExitCode);
        Assert.Contains($"the state moved since the plan was saved (serial {saved}, now {now})", apply.Error, StringComparison.Ordinal);
        Assert.Equal(now, LoadState().Serial);
    }

    [Fact]
    public void ApplySavedPlan_StackFilesChangedSince_IsRefused()
    {
        Assert.Equal(0, Run("plan", "-out", "tfplan.json").ExitCode);
        _stack.WriteStackFile(StackYaml.Replace("default: dev", "default: prod", StringComparison.Ordinal));

        var apply = Run("apply", "tfplan.json");

        Assert.Equal(1, apply.ExitCode);
        Assert.Contains("changed after the plan was saved; make a new plan", apply.Error, StringComparison.Ordinal);
        using var world = _stack.World();
        Assert.Equal(0, world.CountLive());
    }

    [Fact]
    public void Plan_PolicyDenies_FailsNamingPolicyAndResource()
    {
        var result = Run("plan", "--var", "environment=");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("BT5011", result.Error, StringComparison.Ordinal);
        Assert.Contains("policy \"tagged-network\" denies network: the network must carry its environment", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_BadProviderSetting_IsADiagnosticAtTheSettingAndChangesNothing()
    {
        Assert.Equal(0, Run("apply", "--auto-approve").ExitCode);
        var before = LoadState();
        _stack.WriteStackFile(StackYaml.Replace("roots: [out]", "roots: 3", StringComparison.Ordinal));

        var plan = Run("plan");
        var apply = Run("apply", "--auto-approve");

        Assert.Equal(1, plan.ExitCode);
        Assert.Contains("error[BT5031]: provider \"file\": setting \"roots\": expected a non-empty list of directory paths, got 3", plan.Error, StringComparison.Ordinal);
        Assert.Contains("--> baton.yaml:17:12", plan.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Plan:", plan.Out, StringComparison.Ordinal);
        Assert.Equal(1, apply.ExitCode);
        Assert.Contains("--> baton.yaml:17:12", apply.Error, StringComparison.Ordinal);
        var after = LoadState();
        Assert.Equal(before.Serial, after.Serial);
        Assert.Equal(Describe(before), Describe(after));
    }

    [Fact]
    public void Plan_BadProviderSetting_OnANewStack_CreatesNoState()
    {
        _stack.WriteStackFile(StackYaml.Replace("roots: [out]", "roots: 3", StringComparison.Ordinal));

        var plan = Run("plan", "--detailed-exitcode");

        Assert.Equal(1, plan.ExitCode);
        Assert.Contains("error[BT5031]", plan.Error, StringComparison.Ordinal);
        Assert.Contains("--> baton.yaml:17:12", plan.Error, StringComparison.Ordinal);
        var state = LoadState();
        Assert.Equal(0, state.Serial);
        Assert.Empty(state.Resources);
        using var world = _stack.World();
        Assert.Equal(0, world.CountLive());
    }

    private CliRunner.Result Run(params string[] args) => _stack.Run(args);

    private string BalancerId()
    {
        using var world = _stack.World();
        return Assert.Single(world.LiveObjectsAt("balancer")).Id;
    }

    /// <summary>The key the CLI uses: the stack's key file (the tests give it no BATON_SECRET_KEY).</summary>
    private AesGcmSecretProtector Protector() =>
        new(new Baton.Engine.Secrets.SecretKeySource(_stack.KeyPath, _ => null).GetKey());

    /// <summary>Every field of every resource, as text (sensitive values revealed, so they are compared too).</summary>
    private static string[] Describe(StackState state) =>
        [.. state.Resources.Values.Select(r =>
            $"{r.Key}|{r.Type}|{r.Provider}|{r.Id}|{r.Status}|{string.Join(",", r.Dependencies)}|{Reveal(r.Inputs)}|{Reveal(r.Attributes)}")];

    private static string Reveal(Baton.Values.Value value) => ValueJson.ToJson(value, null, "test", plaintextSecrets: true);

    private StackState LoadState()
    {
        using var protector = Protector();
        var stores = SqliteStores.OpenAsync(_stack.StatePath, protector, TimeProvider.System, CancellationToken.None).GetAwaiter().GetResult();
        try
        {
            return stores.State.LoadAsync("shop", CancellationToken.None).GetAwaiter().GetResult();
        }
        finally
        {
            stores.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
