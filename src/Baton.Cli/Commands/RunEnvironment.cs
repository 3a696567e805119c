using System.CommandLine;
using Baton.Cli.Output;
using Baton.Engine;
using Baton.Engine.Hosting;
using Baton.Engine.Workflows;
using Baton.Runs;
using Baton.Spec;
using Baton.State;

namespace Baton.Cli.Commands;

/// <summary>What executing runs from the command line needs: the store, the stack session, the runtime, progress output.</summary>
internal sealed class RunEnvironment : IAsyncDisposable
{
    private readonly CliContext _context;
    private readonly StateStores _stores;
    private readonly IDisposable _protector;
    private readonly StackSession _session;
    private readonly StackWorkflowHost _host;
    private readonly string _owner;

    private ParseResult? _parse;
    private StackArguments? _stack;
    private EngineArguments? _engine;
    private string _directory = ".";

    private RunEnvironment(CliContext context, StateStores stores, IDisposable protector, StackSession session, Func<RunEnvironment, StackOperations> operations)
    {
        _context = context;
        _stores = stores;
        _protector = protector;
        _session = session;
        var stackOperations = operations(this);
        _host = new StackWorkflowHost(session, stackOperations.InvokeAsync);
        Store = stores.Runs;
        _owner = OwnerName();
        Runtime = new WorkflowRuntime(Store, new WorkflowRuntimeOptions { Owner = _owner });
    }

    public IRunStore Store { get; }

    public WorkflowRuntime Runtime { get; }

    /// <summary>Whether this process's runtime holds <paramref name="run"/>'s lease.</summary>
    public bool Owns(RunRecord run) => run.Owner == _owner;

    /// <summary>The stack the runs belong to.</summary>
    public Spec.Declarations.StackSpec Spec => _session.Stack.Spec;

    /// <summary>Loads and checks the stack, then opens its environment; null after printing the stack's errors.</summary>
    public static async Task<RunEnvironment?> LoadAsync(ParseResult parse, CliContext context, StackArguments stack, EngineArguments engine, CancellationToken cancellationToken) =>
        Workspace.LoadChecked(parse, context, stack, requireVariables: true) is { } loaded
            ? await OpenAsync(parse, context, stack, engine, loaded, cancellationToken)
            : null;

    public static async Task<RunEnvironment> OpenAsync(
        ParseResult parse, CliContext context, StackArguments stack, EngineArguments engine, LoadedStack loaded, CancellationToken cancellationToken)
    {
        var directory = Workspace.StackDirectory(parse, context, stack);
        var (stores, protector) = await Workspace.OpenStoreAsync(parse, context, engine, directory, cancellationToken);
        var session = new StackSession(loaded.Bound!, directory, stores.State, stores.Locks, stores.Applies, Workspace.Registry, new StackFileHost(directory), TimeProvider.System);
        var environment = new RunEnvironment(
            context, stores, protector, session, env => new StackOperations(stack.Source(parse, context), Workspace.Registry, stores.State, stores.Locks, stores.Applies, TimeProvider.System, () => env.Runtime, () => env._host));
        environment._parse = parse;
        environment._stack = stack;
        environment._engine = engine;
        environment._directory = directory;
        return environment;
    }

    /// <summary>
    /// Starts, each in a background worker, a run of every workflow whose trigger <paramref name="eventName"/> matches
    /// (about <paramref name="workflow"/> for workflow events), with the workflows' default inputs.
    /// </summary>
    public async Task TriggerAsync(string eventName, string? workflow, CancellationToken cancellationToken)
    {
        foreach (var triggered in await WorkflowTriggers.StartAsync(Runtime, _session.Stack.Spec, _directory, eventName, workflow, null, cancellationToken))
        {
            if (triggered.Run is not { } run)
            {
                _context.Error.WriteLine(triggered.Problem);
                continue;
            }

            var pid = await DetachAsync(run, _parse!, _stack!, _engine!, _directory, cancellationToken);
            _context.Out.WriteLine($"{eventName} started run {run.Id} of {triggered.Workflow} in the background (worker pid {pid}).");
        }
    }

    /// <summary>This process as a lease owner, with a nonce (a restarted process with the same pid is another owner).</summary>
    public static string OwnerName() => LocalOwner.Name("run " + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>
    /// Hands <paramref name="run"/> to a detached worker (<c>baton resume DIR --run ID</c> in its own session, output to
    /// <c>.baton/runs/ID.log</c>) and returns its pid. The argument list is passed as separate arguments to a constant
    /// shell script that only redirects; nothing is parsed by a shell.
    /// </summary>
    public async Task<int> DetachAsync(RunRecord run, ParseResult parse, StackArguments stack, EngineArguments engine, string directory, CancellationToken cancellationToken)
    {
        var logs = Path.Combine(directory, ".baton", "runs");
        Directory.CreateDirectory(logs);
        var log = Path.Combine(logs, run.Id + ".log");
        // The baton program itself when this process is it (an apphost), else the .NET host running baton.dll (also
        // when baton runs inside another host, such as a test runner).
        var self = Environment.ProcessPath;
        var apphost = self is not null && Path.GetFileNameWithoutExtension(self) == "baton";
        var info = new System.Diagnostics.ProcessStartInfo("setsid") { UseShellExecute = false, WorkingDirectory = directory };
        foreach (var argument in (string[])["/bin/sh", "-c", "log=$1; shift; exec \"$@\" </dev/null >>\"$log\" 2>&1", "sh", log, apphost ? self! : "dotnet"])
        {
            info.ArgumentList.Add(argument);
        }

        if (!apphost)
        {
            info.ArgumentList.Add(typeof(RunEnvironment).Assembly.Location);
        }

        foreach (var argument in (string[])["resume", directory, "--run", run.Id])
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var assignment in parse.GetValue(stack.Variables) ?? [])
        {
            info.ArgumentList.Add("--var");
            info.ArgumentList.Add(assignment);
        }

        foreach (var file in parse.GetValue(stack.VariableFiles) ?? [])
        {
            info.ArgumentList.Add("--var-file");
            info.ArgumentList.Add(_context.Resolve(file));
        }

        if (parse.GetValue(engine.State) is { } state)
        {
            info.ArgumentList.Add("--state");
            info.ArgumentList.Add(state);
        }

        // The worker claims the run; this process lets go of it first.
        await Store.ReleaseRunAsync(run.Id, run.Owner!, cancellationToken);
        using var process = System.Diagnostics.Process.Start(info) ?? throw new CliException("the background worker did not start");
        return process.Id;
    }

    /// <summary>Executes the run in the foreground with progress lines; the exit code says how it ended.</summary>
    public async Task<int> FollowAsync(string runId, CancellationToken cancellationToken, bool quietWhenBusy = false)
    {
        var run = await RunControl.GetAsync(Store, runId, cancellationToken);
        if (run.Owner is { } owner && LocalOwner.IsDead(owner))
        {
            // The worker that held it died (a crash, a kill): its lease need not run out first.
            await Store.ReleaseRunAsync(runId, owner, cancellationToken);
        }

        try
        {
            run = await Runtime.ExecuteAsync(runId, _host, new RunProgress(_context.Out), cancellationToken);
        }
        catch (RunUnavailableException ex) when (quietWhenBusy)
        {
            _context.Out.WriteLine($"Skipped: {ex.Message}.");
            return ExitCodes.Ok;
        }
        catch (RunUnavailableException ex)
        {
            throw new CliException(ex.Message, ex);
        }

        var took = (run.FinishedAt ?? DateTimeOffset.UtcNow) - run.CreatedAt;
        if (run.IsFinished && _parse is not null)
        {
            await TriggerAsync(run.Status == RunStatus.Succeeded ? WorkflowTriggers.WorkflowFinished : WorkflowTriggers.WorkflowFailed, run.Workflow, cancellationToken);
        }

        switch (run.Status)
        {
            case RunStatus.Succeeded:
                _context.Out.WriteLine($"Run {run.Id} succeeded in {Text.Durations.Format(took)}.");
                OutputCommand.Print(_context, run.Outputs ?? Values.Value.EmptyMap, showSensitive: false);
                return ExitCodes.Ok;
            case RunStatus.Failed or RunStatus.Cancelled:
                _context.Out.WriteLine($"Run {run.Id} {RunStatusText.Words(run.Status)}: {run.Error}");
                return ExitCodes.Error;
            default:
                _context.Out.WriteLine($"Run {run.Id} stopped while {run.Status.ToString().ToLowerInvariant()}; `baton resume` goes on with it.");
                return ExitCodes.Error;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Runtime.DisposeAsync();
        await _session.DisposeAsync();
        await _stores.DisposeAsync();
        _protector.Dispose();
    }
}
