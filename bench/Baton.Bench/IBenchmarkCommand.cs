namespace Baton.Bench;

/// <summary>One subcommand of the benchmark program, such as <c>graph</c>.</summary>
internal interface IBenchmarkCommand
{
    /// <summary>The word that selects this command on the command line.</summary>
    string Name { get; }

    /// <summary>One line for the usage text.</summary>
    string Summary { get; }

    /// <summary>Runs the command with the arguments after its name; returns the process exit code.</summary>
    int Run(BenchmarkArguments arguments, TextWriter output);
}
