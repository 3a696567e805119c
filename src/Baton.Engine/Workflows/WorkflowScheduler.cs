using Baton.Model;
using Baton.Runs;
using Baton.Spec.Model;
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
    /// <summary>How late a tick may come without a fire being lost, when <c>catch_up</c> is shorter.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The fire times of <paramref name="cron"/> in <paramref name="zone"/> after <paramref name="lastFire"/> (or the
    /// window start) up to <paramref name="now"/>, oldest first; none earlier than now − max(catch_up, grace), and for
    /// a schedule that never fired none earlier than now − catch_up.
    /// </summary>
    public static IReadOnlyList<DateTimeOffset> DueFires(CronExpression cron, TimeZoneInfo zone, DateTimeOffset? lastFire, DateTimeOffset now, TimeSpan catchUp)
    {
        ArgumentNullException.ThrowIfNull(cron);
        // A schedule that never fired starts from now (or catch_up back); one that did goes on from its last fire,
        // but never further back than catch_up (or the grace period for a late tick).
        var windowStart = lastFire is null ? now - catchUp : now - (catchUp > Grace ? catchUp : Grace);
        var from = lastFire is { } last && last > windowStart ? last : windowStart;
        return [.. cron.GetOccurrences(from.UtcDateTime, now.UtcDateTime, zone, fromInclusive: false, toInclusive: true).Select(t => new DateTimeOffset(t, TimeSpan.Zero))];
    }

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
            foreach (var fire in DueFires(cron, zone, last, now, workflow.CatchUp))
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
