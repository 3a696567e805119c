using System.Text;
using Baton.State.Tests.Sqlite;

namespace Baton.Cli.Tests;

/// <summary>
/// A state file or key file that is empty, damaged or gone: every command stops with an error that names the file and
/// says what to do, never plans from a fresh state, never prints a stack trace and never makes a new key that could not
/// read what the state holds.
/// </summary>
public sealed class StateDamageTests : IDisposable
{
    private const string StackYaml = """
        stack: shop
        variables:
          password:
            type: string
            default: hunter2-secret
            sensitive: true
        providers:
          sim:
            world: .baton/sim-world.db
        resources:
          network:
            type: sim.resource
            properties:
              input: { cidr: 10.0.0.0/16 }
          database:
            type: sim.resource
            properties:
              input: { network: "${network.id}", password: "${var.password}" }
        """;

    private readonly CliStack _stack = new("baton-cli-damage-", StackYaml);

    public void Dispose() => _stack.Dispose();

    private string StatePath => _stack.StatePath;

    private string KeyPath => _stack.KeyPath;

    [Fact]
    public void Plan_EmptyStateFile_FailsNamingTheFileInsteadOfPlanningCreates()
    {
        var plan = FailsOnState([], "plan");

        Assert.Contains("empty", plan.Error, StringComparison.Ordinal);
        Assert.Contains("baton state restore", plan.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("create", plan.Out, StringComparison.Ordinal);
        Assert.Equal(0, new FileInfo(StatePath).Length);
    }

    [Fact]
    public void Apply_EmptyStateFile_CreatesNothing()
    {
        FailsOnState([], "apply", "--auto-approve");

        Assert.Equal(0, LiveObjects());
        Assert.Equal(0, new FileInfo(StatePath).Length);
    }

    [Fact]
    public void Plan_GarbageStateFile_FailsClearlyWithoutAStackTrace()
    {
        var plan = FailsOnState(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("this is not a database, just some words. ", 200))), "plan");

        Assert.Contains("not a SQLite database", plan.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_TruncatedStateFile_FailsClearlyWithoutAStackTrace()
    {
        Apply();
        var length = new FileInfo(StatePath).Length;
        using (var file = new FileStream(StatePath, FileMode.Open, FileAccess.ReadWrite))
        {
            file.SetLength(length / 2);
        }

        var plan = Run("plan");

        AssertCleanError(plan, StatePath);
        Assert.Contains("truncated", plan.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_StateFileOfAnotherSchema_FailsAndLeavesItAlone()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(StatePath)!);
        SqliteFile.Execute(StatePath, "CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO photos (name) VALUES ('cat.jpg');");

        var apply = Run("apply", "--auto-approve");

        AssertCleanError(apply, StatePath);
        Assert.Contains("not a Baton state", apply.Error, StringComparison.Ordinal);
        Assert.Equal(0, LiveObjects());
        Assert.Equal("photos", SqliteFile.Scalar(StatePath, "SELECT group_concat(name) FROM sqlite_master WHERE type = 'table'"));
    }

    [Fact]
    public void Serve_GarbageStateFile_FailsClearlyWithoutAStackTrace()
    {
        FailsOnState([.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 7))], "serve", "--stack", ".", "--listen", "127.0.0.1:0");
    }

    [Fact]
    public void Plan_CorruptJsonInAResourceRow_FailsNamingTheResource()
    {
        Apply();
        SqliteFile.Execute(StatePath, "UPDATE resources SET inputs = '{\"input\": {\"cidr\": ' WHERE key = 'network'");

        var plan = Run("plan");

        AssertCleanError(plan, StatePath);
        Assert.Contains("resource \"network\"", plan.Error, StringComparison.Ordinal);
        Assert.Contains("inputs", plan.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_WrongSecretKey_FailsSayingTheKeyDoesNotMatchTheSealedValues()
    {
        Apply();
        File.WriteAllText(KeyPath, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) + "\n");

        var plan = Run("plan");

        AssertCleanError(plan, StatePath);
        Assert.Contains("resource \"database\"", plan.Error, StringComparison.Ordinal);
        Assert.Contains("different secret key", plan.Error, StringComparison.Ordinal);
        Assert.Contains($"restore {KeyPath}", plan.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_SecretKeyMissingWhileTheStateHoldsSealedValues_IsRefusedAndNoKeyIsMade()
    {
        Apply();
        File.Delete(KeyPath);

        var plan = Run("plan");
        var apply = Run("apply", "--auto-approve");

        AssertCleanError(plan, StatePath);
        Assert.Contains($"The secret key file {KeyPath} is missing", plan.Error, StringComparison.Ordinal);
        Assert.Contains($"Restore {KeyPath}", plan.Error, StringComparison.Ordinal);
        AssertCleanError(apply, StatePath);
        Assert.False(File.Exists(KeyPath), "a new key was made for a state sealed with another");
    }

    [Fact]
    public void Plan_SecretKeyMissingAndNothingSealed_MakesANewKey()
    {
        _stack.WriteStackFile(StackYaml.Replace("sensitive: true", "sensitive: false", StringComparison.Ordinal));
        Apply();
        File.Delete(KeyPath);

        var plan = Run("plan", "--detailed-exitcode");

        Assert.True(plan.ExitCode == 0, plan.Error + plan.Out);
        Assert.True(File.Exists(KeyPath));
    }

    [Fact]
    public void ApplyAndDestroy_EachLeaveABackupOfTheStateThatOpensOnItsOwn()
    {
        Apply();

        var afterApply = Backups();
        Assert.Single(afterApply);
        Assert.Matches(@"^state-\d{8}T\d{13}Z\.db$", Path.GetFileName(afterApply[0]));
        Assert.Equal("database,network", SqliteFile.Scalar(afterApply[0], "SELECT group_concat(key, ',') FROM (SELECT key FROM resources ORDER BY key)"));
        Assert.Equal("delete", SqliteFile.Scalar(afterApply[0], "PRAGMA journal_mode"));

        Destroy();
        Assert.Equal(2, Backups().Length);
        Assert.Empty(Directory.GetFiles(_stack.Combine(".baton", "backups"), ".*"));
    }

    [Fact]
    public void StateRestore_AfterTheStateWasDamaged_BringsItBackAndPlanHasNoChanges()
    {
        Apply();
        var backup = Assert.Single(Backups());
        File.WriteAllText(StatePath, "overwritten by accident");
        AssertCleanError(Run("plan"), StatePath);

        var restore = Run("state", "restore");

        Assert.True(restore.ExitCode == 0, restore.Error + restore.Out);
        Assert.Contains($"Restored {StatePath} from {backup}", restore.Out, StringComparison.Ordinal);
        var aside = Assert.Single(SetAside());
        Assert.Contains($"kept as {aside}", restore.Out, StringComparison.Ordinal);
        Assert.Equal("overwritten by accident", File.ReadAllText(aside));
        var plan = Run("plan", "--detailed-exitcode");
        Assert.True(plan.ExitCode == 0, plan.Error + plan.Out);
        Assert.Contains("No changes.", plan.Out, StringComparison.Ordinal);
        Assert.Equal(2, LiveObjects());
    }

    [Fact]
    public void StateRestore_NewestBackupDamaged_TakesTheNewestThatVerifies()
    {
        ApplyThenDestroy();
        var (older, newest) = (Backups()[0], Backups()[1]);
        File.WriteAllBytes(newest, [.. File.ReadAllBytes(newest).Take(4096)]);
        File.WriteAllBytes(StatePath, []);

        var restore = Run("state", "restore");

        Assert.True(restore.ExitCode == 0, restore.Error + restore.Out);
        Assert.Contains($"from {older}", restore.Out, StringComparison.Ordinal);
        Assert.Contains($"skipped {newest}", restore.Out, StringComparison.Ordinal);
        Assert.Equal(["database", "network"], StateList().Select(l => l.Split('\t')[0]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void StateRestore_From_PutsBackThatBackup()
    {
        ApplyThenDestroy();
        Assert.Equal(string.Empty, Run("state", "list").Out);

        var restore = Run("state", "restore", "--from", Backups()[0]);

        Assert.True(restore.ExitCode == 0, restore.Error + restore.Out);
        Assert.Equal(2, StateList().Length);
    }

    [Fact]
    public void StateRestore_List_ShowsEachBackupNewestFirstAndChangesNothing()
    {
        ApplyThenDestroy();
        File.WriteAllText(Backups()[0], "garbage");
        var before = File.ReadAllBytes(StatePath);

        var list = Run("state", "restore", "--list");

        Assert.True(list.ExitCode == 0, list.Error + list.Out);
        var lines = list.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith(Backups()[1], lines[0], StringComparison.Ordinal);
        Assert.EndsWith("ok", lines[0], StringComparison.Ordinal);
        Assert.StartsWith(Backups()[0], lines[1], StringComparison.Ordinal);
        Assert.Contains("not a SQLite database", lines[1], StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(StatePath));
    }

    [Fact]
    public async Task StateRestore_WhileAnotherProcessHasTheStateOpen_IsRefused()
    {
        Apply();
        var before = File.ReadAllBytes(StatePath);
        using var protector = new Baton.State.AesGcmSecretProtector(new byte[32]);
        await using (await Baton.State.Sqlite.SqliteStores.OpenAsync(StatePath, protector, TimeProvider.System, CancellationToken.None))
        {
            var restore = Run("state", "restore");

            AssertCleanError(restore, StatePath);
            Assert.Contains("open in another process", restore.Error, StringComparison.Ordinal);
        }

        Assert.Equal(before, File.ReadAllBytes(StatePath));
        Assert.Empty(SetAside());
    }

    [Fact]
    public async Task StateRestore_WhileAStackLockIsHeld_IsRefusedNamingTheHolder()
    {
        Apply();
        using (var protector = new Baton.State.AesGcmSecretProtector(new byte[32]))
        await using (var stores = await Baton.State.Sqlite.SqliteStores.OpenAsync(StatePath, protector, TimeProvider.System, CancellationToken.None))
        {
            Assert.NotNull((await stores.Locks.AcquireLockAsync("shop", "ops@elsewhere pid 7", "apply", TimeSpan.FromMinutes(10), TimeSpan.Zero, CancellationToken.None)).Lock);
        }

        var restore = Run("state", "restore");

        AssertCleanError(restore, StatePath);
        Assert.Contains("locked by ops@elsewhere pid 7", restore.Error, StringComparison.Ordinal);
        Assert.Contains("baton force-unlock", restore.Error, StringComparison.Ordinal);
        Assert.Empty(SetAside());
    }

    [Fact]
    public void StateRestore_NoBackups_FailsClearly()
    {
        var restore = FailsOnState([], "state", "restore");

        Assert.Contains("no backup", restore.Error, StringComparison.Ordinal);
        Assert.Equal(0, new FileInfo(StatePath).Length);
    }

    private CliRunner.Result Run(params string[] args) => _stack.Run(args);

    private void Apply() => Assert.Equal(0, Run("apply", "--auto-approve").ExitCode);

    private void Destroy() => Assert.Equal(0, Run("destroy", "--auto-approve").ExitCode);

    /// <summary>Applies the stack and destroys it again, which leaves two backups, the older one holding both resources.</summary>
    private void ApplyThenDestroy()
    {
        Apply();
        Destroy();
    }

    /// <summary>Runs a command on a state file holding <paramref name="content"/>: it must fail cleanly, naming the file.</summary>
    private CliRunner.Result FailsOnState(byte[] content, params string[] args)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(StatePath)!);
        File.WriteAllBytes(StatePath, content);
        var result = Run(args);
        AssertCleanError(result, StatePath);
        return result;
    }

    /// <summary>The lines <c>baton state list</c> prints, one for each object in the state.</summary>
    private string[] StateList() => Run("state", "list").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private string[] Backups()
    {
        var directory = _stack.Combine(".baton", "backups");
        return Directory.Exists(directory) ? [.. Directory.GetFiles(directory, "state-*.db").Order(StringComparer.Ordinal)] : [];
    }

    /// <summary>The state files a restore set aside.</summary>
    private string[] SetAside() => Directory.GetFiles(Path.GetDirectoryName(StatePath)!, "state.db.corrupt-*");

    private long LiveObjects()
    {
        if (!File.Exists(_stack.WorldPath))
        {
            return 0;
        }

        using var world = _stack.World();
        return world.CountLive();
    }

    /// <summary>An error a user can act on: exit 1, the file named, and no exception type or stack frame in sight.</summary>
    private static void AssertCleanError(CliRunner.Result result, string file)
    {
        var all = result.Out + result.Error;
        Assert.True(result.ExitCode == 1, $"exit {result.ExitCode}:\n{all}");
        Assert.Contains(file, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", all, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", all, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled", all, StringComparison.Ordinal);
    }
}
