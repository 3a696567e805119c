using System.Collections.Concurrent;
using System.Security.Cryptography;
using Baton.Diagnostics;
using Baton.Engine.Workflows;
using Baton.Binding;
using Baton.Runs;
using Baton.Spec;
using Baton.Spec.Declarations;
using Baton.State;
using Baton.State.Sqlite;
using Baton.Text;
using Microsoft.Extensions.Time.Testing;

namespace Baton.Engine.Tests.Workflows;

/// <summary>Schedules: which fire times are due, catch-up after downtime, overlap, and each fire exactly once across racing schedulers.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit disposes through IAsyncLifetime.DisposeAsync")]
public sealed class WorkflowSchedulerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 1, 59, 30, TimeSpan.Zero);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "baton-sched-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly FakeTimeProvider _time = new(Start);
    private AesGcmSecretProtector? _protector;
    private StateStores? _stores;

    private IRunStore Store => _stores!.Runs;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _protector = new AesGcmSecretProtector(RandomNumberGenerator.GetBytes(32));
        _stores = await SqliteStores.OpenAsync(Path.Combine(_directory, "state.db"), _protector, _time, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _stores!.DisposeAsync();
        _protector!.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static StackSpec Stack(string workflowYaml)
    {
        var diagnostics = new DiagnosticBag();
        var spec = StackLoader.Parse([new SourceFile("baton.yaml", "stack: sched\nworkflows:\n" + workflowYaml)], "sched", diagnostics);
        Assert.False(diagnostics.HasErrors, string.Join("\n", diagnostics.Select(d => d.Message)));
        return spec;
    }

    [Fact]
    public void DueFires_NeverFired_StartsFromNowWithoutCatchUp()
    {
        var cron = Schedules.ParseCron("0 * * * *");
        var now = new DateTimeOffset(2026, 11, 23, 2, 0, 30, TimeSpan.Zero);
        Assert.Empty(WorkflowScheduler.DueFires(cron, TimeZoneInfo.Utc, null, now, now, TimeSpan.Zero));
        Assert.Equal([new DateTimeOffset(2026, 11, 23, 2, 0, 0, TimeSpan.Zero)], WorkflowScheduler.DueFires(cron, TimeZoneInfo.Utc, null, now, now, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void DueFires_AfterDowntime_CatchesUpOnlyWithinTheWindow()
    {
        var cron = Schedules.ParseCron("0 * * * *");
        var last = new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);
        var now = new DateTimeOffset(2026, 11, 23, 6, 30, 0, TimeSpan.Zero);
        var fires = WorkflowScheduler.DueFires(cron, TimeZoneInfo.Utc, last, last, now, TimeSpan.FromHours(3));
        Assert.Equal([4, 5, 6], fires.Select(f => f.Hour));
        Assert.Empty(WorkflowScheduler.DueFires(cron, TimeZoneInfo.Utc, last, last, now, TimeSpan.Zero));
    }

    [Fact]
    public void DueFires_LateTickWithinGrace_LosesNothing()
    {
        var cron = Schedules.ParseCron("*/10 * * * * *");
        var last = new DateTimeOffset(2026, 11, 23, 2, 0, 0, TimeSpan.Zero);
        var fires = WorkflowScheduler.DueFires(cron, TimeZoneInfo.Utc, last, last, last.AddSeconds(35), TimeSpan.Zero);
        Assert.Equal([10, 20, 30], fires.Select(f => f.Second));
    }

    [Fact]
    public void DueFires_TimeZone_FiresAtLocalTime()
    {
        Assert.True(Schedules.TryFindTimeZone("Europe/Berlin", out var berlin));
        var cron = Schedules.ParseCron("0 2 * * *");
        var now = new DateTimeOffset(2026, 11, 23, 1, 0, 30, TimeSpan.Zero); // 02:00:30 in Berlin (UTC+1 in November)
        var fires = WorkflowScheduler.DueFires(cron, berlin, new DateTimeOffset(2026, 11, 22, 1, 0, 0, TimeSpan.Zero), now, now, TimeSpan.Zero);
        Assert.Equal([new DateTimeOffset(2026, 11, 23, 1, 0, 0, TimeSpan.Zero)], fires);
    }

    [Fact]
    public async Task Tick_RacingSchedulers_EachFireStartsExactlyOneRun()
    {
        var stack = Stack("""
              nightly:
                schedule: "*/10 * * * * *"
                overlap: allow
                catch_up: 1m
                steps:
                  a: { uses: exec, with: { command: ["true"] } }
            """);
        var created = new ConcurrentBag<(string RunId, DateTimeOffset Fire)>();
        _time.Advance(TimeSpan.FromSeconds(30)); // 02:00:00: catch_up 1m reaches back to 01:59:00 for a schedule that never fired
        var schedulers = Enumerable.Range(0, 6).Select(_ => new WorkflowScheduler(Store, _time)).ToList();
        var fires = await Task.WhenAll(schedulers.Select(s => Task.Run(() => s.TickAsync(stack, (w, id, fire, ct) => Create(stack, w, id, fire, created, ct), CancellationToken.None))));
        var all = fires.SelectMany(f => f).ToList();
        Assert.Equal(all.Count, all.Select(f => f.FireTime).Distinct().Count());
        Assert.Equal(created.Count, all.Count);
        Assert.Equal(created.Select(c => c.Fire).Order(), all.Select(f => f.FireTime).Order());
        Assert.NotEmpty(all);

        // A later tick goes on from the last fire: nothing twice.
        _time.Advance(TimeSpan.FromSeconds(20));
        var next = await schedulers[0].TickAsync(stack, (w, id, fire, ct) => Create(stack, w, id, fire, created, ct), CancellationToken.None);
        Assert.Equal(2, next.Count);
        Assert.All(next, f => Assert.True(f.FireTime > all.Max(a => a.FireTime)));
    }

    [Fact]
    public async Task Tick_OverlapSkip_SkipsWhileARunIsUnfinished_BufferOneKeepsOne()
    {
        var stack = Stack("""
              skipper:
                schedule: "*/10 * * * * *"
                steps:
                  a: { uses: exec, with: { command: ["true"] } }
              buffered:
                schedule: "*/10 * * * * *"
                overlap: buffer_one
                steps:
                  a: { uses: exec, with: { command: ["true"] } }
            """);
        var created = new ConcurrentBag<(string RunId, DateTimeOffset Fire)>();
        var scheduler = new WorkflowScheduler(Store, _time);
        _time.Advance(TimeSpan.FromSeconds(31)); // 02:00:01: the 02:00:00 fire is due
        var first = await scheduler.TickAsync(stack, (w, id, fire, ct) => Create(stack, w, id, fire, created, ct), CancellationToken.None);
        Assert.Empty(first); // a schedule that never fired starts from now (no catch_up)

        _time.Advance(TimeSpan.FromSeconds(10)); // 02:00:11: the 02:00:10 fire
        var second = await scheduler.TickAsync(stack, (w, id, fire, ct) => Create(stack, w, id, fire, created, ct), CancellationToken.None);
        Assert.Equal(["started", "started"], second.Select(f => f.Outcome)); // the 02:00:10 fires, seen since 02:00:01

        // The runs are still unfinished: skip skips; buffer_one keeps one pending run, and only one.
        var started = await Store.ListRunsAsync(new RunQuery { Workflow = "buffered" }, CancellationToken.None);
        await Store.AppendAsync([new RunTransition
        {
            Event = new RunEvent { RunId = started[0].Id, Kind = "run.started", At = _time.GetUtcNow() },
            RunStatus = RunStatus.Running,
        }], "test-owner", CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(20)); // 02:00:31: fires at :20 and :30
        var third = await scheduler.TickAsync(stack, (w, id, fire, ct) => Create(stack, w, id, fire, created, ct), CancellationToken.None);
        Assert.Equal(["skipped", "skipped"], third.Where(f => f.Workflow == "skipper").Select(f => f.Outcome));
        Assert.Equal(["buffered", "skipped"], third.Where(f => f.Workflow == "buffered").Select(f => f.Outcome));
        Assert.Equal(3, created.Count);
    }

    private async Task Create(StackSpec stack, WorkflowSpec workflow, string runId, DateTimeOffset fire, ConcurrentBag<(string, DateTimeOffset)> created, CancellationToken cancellationToken)
    {
        await Store.CreateRunAsync(
            new RunRecord
            {
                Id = runId,
                Stack = stack.Name,
                Workflow = workflow.Name,
                Trigger = "schedule",
                Definition = "[]",
                CreatedAt = _time.GetUtcNow(),
            },
            "test-owner",
            TimeSpan.FromMinutes(5),
            cancellationToken);
        created.Add((runId, fire));
    }
}
