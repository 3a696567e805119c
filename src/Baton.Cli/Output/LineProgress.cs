using Baton.Engine.Applying;
using Baton.Plans;

namespace Baton.Cli.Output;

/// <summary>Progress for a log or a pipe: one line per finished operation, and one per retry.</summary>
internal sealed class LineProgress(TextWriter output) : IApplyObserver
{
    private readonly Lock _gate = new();

    public void Started(ResourceChange change)
    {
    }

    public void Retrying(ResourceChange change, int attempt, TimeSpan delay, string error)
    {
        lock (_gate)
        {
            output.WriteLine($"  ~ {change.Key}: attempt {attempt} failed ({error}); retrying in {delay.TotalSeconds:0.0}s");
        }
    }

    public void Finished(ResourceChange change, OperationOutcome outcome, string? error, TimeSpan elapsed)
    {
        var line = outcome switch
        {
            OperationOutcome.Succeeded => $"  {Symbol(change.Action)} {change.Key}: {Past(change.Action)} ({elapsed.TotalSeconds:0.0}s)",
            OperationOutcome.Failed => $"  ! {change.Key}: {Verb(change.Action)} failed: {error}",
            OperationOutcome.Skipped => $"  . {change.Key}: skipped, {error ?? "something it depends on did not succeed"}",
            _ => $"  . {change.Key}: {error ?? "cancelled"}",
        };
        lock (_gate)
        {
            output.WriteLine(line);
        }
    }

    public void Notified(PlannedNotification notification, OperationOutcome outcome, string? error, TimeSpan elapsed)
    {
        var line = outcome == OperationOutcome.Succeeded
            ? $"  ! {notification.Target}: {notification.Verb} ({elapsed.TotalSeconds:0.0}s), notified by {notification.Source}"
            : $"  ! {notification.Target}: {notification.Verb} failed: {error}";
        lock (_gate)
        {
            output.WriteLine(line);
        }
    }

    public static string Symbol(ChangeAction action) => action switch
    {
        ChangeAction.Create => "+",
        ChangeAction.Update => "~",
        ChangeAction.Replace => "±",
        ChangeAction.Delete => "-",
        _ => " ",
    };

    public static string Past(ChangeAction action) => action switch
    {
        ChangeAction.Create => "created",
        ChangeAction.Update => "updated",
        ChangeAction.Replace => "replaced",
        ChangeAction.Delete => "deleted",
        _ => "unchanged",
    };

    public static string Verb(ChangeAction action) => action switch
    {
        ChangeAction.Create => "create",
        ChangeAction.Update => "update",
        ChangeAction.Replace => "replace",
        ChangeAction.Delete => "delete",
        _ => "read",
    };
}
