using Baton.Access;
using Baton.Server.Events;
using Baton.Server.Security;
using Baton.Server.Stacks;

namespace Baton.Server;

/// <summary>What the endpoints share: the stacks, the access store, the event hub, plans, and background work.</summary>
internal sealed class ControlPlaneServices(StackCatalog stacks, IAccessStore access, EventHub hub, TimeProvider time, CancellationToken stopping)
{
    private readonly Lock _gate = new();
    private readonly List<Task> _background = [];
    private ControlActions? _actions;

    public StackCatalog Stacks { get; } = stacks;

    public IAccessStore Access { get; } = access;

    /// <summary>The audit log, with its throttle for refused anonymous requests.</summary>
    public AuditLog Audit { get; } = new(access, time);

    public EventHub Hub { get; } = hub;

    public TimeProvider Time { get; } = time;

    public PlanCache Plans { get; } = new(time);

    /// <summary>Plan, apply, and the run controls, shared by the API and the dashboard.</summary>
    public ControlActions Actions => _actions ??= new ControlActions(this);

    /// <summary>Cancelled when the control plane stops.</summary>
    public CancellationToken Stopping { get; } = stopping;

    /// <summary>Runs work that outlives the request (an apply), reporting its failure as an event.</summary>
    public void Background(ServedStack stack, string what, Func<CancellationToken, Task> work)
    {
        var task = Task.Run(
            async () =>
            {
                try
                {
                    await work(Stopping);
                }
                catch (OperationCanceledException) when (Stopping.IsCancellationRequested)
                {
                    stack.Publish("control.stopped", $"{what} was stopped with the control plane");
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    stack.Publish("control.failed", $"{what} failed: {ex.Message}");
                }
            },
            CancellationToken.None);
        lock (_gate)
        {
            _background.RemoveAll(t => t.IsCompleted);
            _background.Add(task);
        }
    }

    /// <summary>Waits for background work to end (after <see cref="Stopping"/> was cancelled).</summary>
    public Task DrainAsync()
    {
        lock (_gate)
        {
            return Task.WhenAll(_background);
        }
    }
}
