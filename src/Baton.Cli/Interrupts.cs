namespace Baton.Cli;

/// <summary>
/// Ctrl-C during an apply: the first press stops starting new operations (running ones finish and are recorded, so
/// state stays consistent); the second cancels the running ones through their tokens.
/// </summary>
internal sealed class Interrupts : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly TextWriter _error;
    private readonly bool _listening;

    public Interrupts(CliContext context, bool listen)
    {
        _error = context.Error;
        _listening = listen;
        if (listen)
        {
            Console.CancelKeyPress += OnCancel;
        }
    }

    public CancellationToken Stop => _stop.Token;

    public CancellationToken Abort => _abort.Token;

    public bool Stopped => _stop.IsCancellationRequested;

    private void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        e.Cancel = true;
        if (!_stop.IsCancellationRequested)
        {
            _error.WriteLine("\nStopping: no new operations start; waiting for the running ones to finish. Press Ctrl-C again to cancel them.");
            _stop.Cancel();
        }
        else
        {
            _error.WriteLine("\nCancelling the running operations.");
            _abort.Cancel();
        }
    }

    public void Dispose()
    {
        if (_listening)
        {
            Console.CancelKeyPress -= OnCancel;
        }

        _stop.Dispose();
        _abort.Dispose();
    }
}
