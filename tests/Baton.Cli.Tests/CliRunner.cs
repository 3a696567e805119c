namespace Baton.Cli.Tests;

/// <summary>Runs the baton command in-process with captured output, as a user would from a given directory.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Out, string Error);

    public static Result Run(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var context = new CliContext
        {
            Out = output,
            Error = error,
            Environment = environment ?? new Dictionary<string, string>(),
            WorkingDirectory = workingDirectory,
        };
        var exit = BatonCli.Run(args, context);
        return new Result(exit, output.ToString(), error.ToString());
    }

    public static Result Run(string workingDirectory, params string[] args) => Run(workingDirectory, null, args);
}
