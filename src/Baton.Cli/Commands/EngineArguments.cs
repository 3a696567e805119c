using System.CommandLine;
using Baton.Text;

namespace Baton.Cli.Commands;

/// <summary>The options of commands that touch state: where it is, how long to wait for the lock, how much at once.</summary>
internal sealed class EngineArguments
{
    public Option<string?> State { get; } = new("--state")
    {
        Description = "Where state lives: sqlite:PATH (default: sqlite:.baton/state.db in the stack directory)",
        HelpName = "LOCATION",
    };

    public Option<string> LockTimeout { get; } = new("--lock-timeout")
    {
        Description = "How long to wait for the stack's lock when another run holds it",
        DefaultValueFactory = _ => "10s",
        HelpName = "DURATION",
    };

    public Option<int> Parallelism { get; } = new("--parallelism")
    {
        Description = "The most provider operations at once",
        DefaultValueFactory = _ => 32,
    };

    public Option<bool> Refresh { get; } = new("--refresh")
    {
        Description = "Read every resource from its provider before planning (--refresh=false to plan from state alone)",
        DefaultValueFactory = _ => true,
        Arity = ArgumentArity.ZeroOrOne,
    };

    public void AddTo(Command command, bool planning = true)
    {
        command.Options.Add(State);
        command.Options.Add(LockTimeout);
        if (planning)
        {
            command.Options.Add(Parallelism);
            command.Options.Add(Refresh);
        }
    }

    public TimeSpan LockWait(ParseResult parse) =>
        Durations.TryParse(parse.GetValue(LockTimeout) ?? "10s", out var wait) ? wait : throw new CliException($"--lock-timeout \"{parse.GetValue(LockTimeout)}\" is not a duration such as 30s or 2m");
}
