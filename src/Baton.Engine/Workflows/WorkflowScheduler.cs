using Baton.Binding;
using Baton.Runs;
using Baton.Spec.Declarations;
using Cronos;

namespace Baton.Engine.Workflows;

/// <summary>What one schedule fire did.</summary>
/// <param name="Workflow">The workflow.</param>
/// <param name="FireTime">The fire time (UTC).</param>
/// <param name="RunId">The run it started or buffered; null when skipped.</param>
/// <param name="Outcome"><c>started</c>, <c>buffered</c> or <c>skipped</c> (an unfinished run of the workflow exists).</param>
public sealed record ScheduleFire(string Workflow, DateTimeOffset FireTime, string? RunId, string Outcome);

/// <summary>
/// Fires workflow schedules. Each tick looks for fire times since the last recorded fire (at most <c>catch_up</c>
/// back after downtime, and at least the grace period, so a late tick loses nothing) and records each fire in the
/// store before starting its run: a unique constraint on (stack, workflow, fire time) makes every fire start at most
/// one run however many schedulers race, and a fire already recorded is never started again.
/// </summary>
public sealed class WorkflowScheduler(IRunStore store, TimeProvider time)
{
    private readonly Dictionary<string, DateTimeOffset> _watchingSince = new(StringComparer.Ordinal);

    /// <summary>How late a tick may come without a fire being lost, when <c>catch_up</c> is shorter.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The fire times of <paramref name="cron"/> in <paramref name="zone"/> due at <paramref name="now"/>, oldest first:
    /// those after <paramref name="lastFire"/>, but none earlier than now − max(catch_up, grace); for a schedule that
    /// never fired, those since this scheduler began watching it (<paramref name="watchingSince"/>) less catch_up.
    /// </summary>
    public static IReadOnlyList<DateTimeOffset> DueFires(
        CronExpression cron, TimeZoneInfo zone, DateTimeOffset? lastFire, DateTimeOffset watchingSince, DateTimeOffset now, TimeSpan catchUp)
    {
        ArgumentNullException.ThrowIfNull(cron);
        var from = lastFire is { } last
            ? Max(last, now - (catchUp > Grace ? catchUp : Grace))
            : watchingSince - catchUp;
        return [.. cron.GetOccurrences(from.UtcDateTime, now.UtcDateTime, zone, fromInclusive: false, toInclusive: true).Select(t => new DateTimeOffset(t, TimeSpan.Zero))];
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    /// <summary>
    /// Fires what is due for every scheduled workflow of <paramref name="stack"/>. <paramref name="createRun"/> creates
    /// a pending run with the given id (not executed: a worker picks it up).
    /// </summary>
    public async Task<IReadOnlyList<ScheduleFire>> TickAsync(
        StackSpec stack, Func<WorkflowSpec, string, DateTimeOffset, CancellationToken, Task> createRun, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(createRun);
        var fires = new List<ScheduleFire>();
        var now = time.GetUtcNow();
        foreach (var workflow in stack.Workflows.Where(w => w.Schedule is not null))
        {
            CronExpression cron;
            try
            {
                cron = Schedules.ParseCron(workflow.Schedule!.Name);
            }
            catch (CronFormatException)
            {
                continue; // validate reports it; a bad schedule never fires
            }

            var zone = workflow.TimeZone is { } name && Schedules.TryFindTimeZone(name.Name, out var found) ? found : TimeZoneInfo.Utc;
            var last = await store.LastScheduleFireAsync(stack.Name, workflow.Name, cancellationToken);
            var since = _watchingSince.TryGetValue(stack.Name + "/" + workflow.Name, out var seen) ? seen : _watchingSince[stack.Name + "/" + workflow.Name] = now;
            foreach (var fire in DueFires(cron, zone, last, since, now, workflow.CatchUp))
            {
                var unfinished = workflow.Overlap == "allow"
                    ? []
                    : await store.ListRunsAsync(new RunQuery { Stack = stack.Name, Workflow = workflow.Name, UnfinishedOnly = true, Limit = 10 }, cancellationToken);
                var outcome = unfinished.Count == 0 ? "started"
                    : workflow.Overlap == "buffer_one" && unfinished.All(r => r.Status != RunStatus.Pending) ? "buffered"
                    : "skipped";
                var runId = outcome == "skipped" ? null : WorkflowRuntime.NewRunId(now);
                if (!await store.TryRecordScheduleFireAsync(stack.Name, workflow.Name, fire, runId ?? "", cancellationToken))
                {
                    continue; // another scheduler took this fire
                }

                if (runId is not null)
                {
                    await createRun(workflow, runId, fire, cancellationToken);
                }

                fires.Add(new ScheduleFire(workflow.Name, fire, runId, outcome));
            }
        }

        return fires;
    }
}
