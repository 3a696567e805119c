using System.Collections.Concurrent;
using System.Diagnostics;
using Baton.Engine.Applying;
using Baton.Plans;
using Spectre.Console;

namespace Baton.Cli.Output;

/// <summary>
/// Progress on a terminal: a live panel of the operations running now, counts of done, failed and pending, and the
/// elapsed time, redrawn ten times a second; finished failures are printed above it as they happen.
/// </summary>
internal sealed class LiveProgress : IApplyObserver, IAsyncDisposable
{
    private readonly IAnsiConsole _console;
    private readonly int _total;
    private readonly ConcurrentDictionary<string, (ResourceChange Change, long Started)> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _messages = new();
    private readonly CancellationTokenSource _done = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Task _loop;
    private int _succeeded;
    private int _failed;
    private int _skipped;

    public LiveProgress(TextWriter output, int total)
    {
        _console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.Yes, Out = new AnsiConsoleOutput(output), Interactive = InteractionSupport.Yes });
        _total = total;
        _loop = Task.Run(RunAsync);
    }

    public void Started(ResourceChange change) => _running[change.Key] = (change, Stopwatch.GetTimestamp());

    public void Retrying(ResourceChange change, int attempt, TimeSpan delay, string error) =>
        _messages.Enqueue($"[yellow]~[/] {Markup.Escape(change.Key)}: attempt {attempt} failed ({Markup.Escape(error)}); retrying in {delay.TotalSeconds:0.0}s");

    public void Finished(ResourceChange change, OperationOutcome outcome, string? error, TimeSpan elapsed)
    {
        _running.TryRemove(change.Key, out _);
        switch (outcome)
        {
            case OperationOutcome.Succeeded:
                Interlocked.Increment(ref _succeeded);
                break;
            case OperationOutcome.Failed:
                Interlocked.Increment(ref _failed);
                _messages.Enqueue($"[red]![/] {Markup.Escape(change.Key)}: {LineProgress.Verb(change.Action)} failed: {Markup.Escape(error ?? string.Empty)}");
                break;
            default:
                Interlocked.Increment(ref _skipped);
                break;
        }
    }

    public void Notified(PlannedNotification notification, OperationOutcome outcome, string? error, TimeSpan elapsed) =>
        _messages.Enqueue(outcome == OperationOutcome.Succeeded
            ? $"[cyan]![/] {Markup.Escape(notification.Target)}: {Markup.Escape(notification.Verb)} ({elapsed.TotalSeconds:0.0}s), notified by {Markup.Escape(notification.Source)}"
            : $"[red]![/] {Markup.Escape(notification.Target)}: {Markup.Escape(notification.Verb)} failed: {Markup.Escape(error ?? string.Empty)}");

    private async Task RunAsync()
    {
        await _console.Live(Render()).AutoClear(true).StartAsync(async live =>
        {
            while (!_done.IsCancellationRequested)
            {
                Flush();
                live.UpdateTarget(Render());
                try
                {
                    await Task.Delay(100, _done.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }

            Flush();
        });

        // The live panel is gone; leave its last counts as one line.
        _console.Write(Header());
        _console.WriteLine();
    }

    private void Flush()
    {
        while (_messages.TryDequeue(out var message))
        {
            _console.MarkupLine(message);
        }
    }

    private Markup Header()
    {
        var done = _succeeded + _failed + _skipped;
        return new Markup(
            $"[bold]{done}/{_total}[/] done · [green]{_succeeded} ok[/] · [red]{_failed} failed[/] · {_skipped} skipped · {_running.Count} running · {_total - done - _running.Count} pending · {_clock.Elapsed.TotalSeconds:0.0}s");
    }

    private Rows Render()
    {
        var table = new Table().Border(TableBorder.None).HideHeaders().AddColumn(string.Empty).AddColumn(string.Empty);
        foreach (var (key, (change, started)) in _running.OrderBy(r => r.Value.Started).Take(12))
        {
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            table.AddRow($"[blue]{LineProgress.Symbol(change.Action)}[/] {Markup.Escape(key)}", $"[grey]{Progressive(change.Action)}… {seconds:0.0}s[/]");
        }

        return new Rows(Header(), table);
    }

    private static string Progressive(Plans.ChangeAction action) => action switch
    {
        Plans.ChangeAction.Create => "creating",
        Plans.ChangeAction.Update => "updating",
        Plans.ChangeAction.Replace => "replacing",
        Plans.ChangeAction.Delete => "deleting",
        _ => "reading",
    };

    public async ValueTask DisposeAsync()
    {
        await _done.CancelAsync();
        await _loop;
        _done.Dispose();
    }
}
