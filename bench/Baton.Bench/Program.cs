using Baton.Bench;

IBenchmarkCommand[] commands = [new GraphBenchmark(), new StackBenchmark(), new ApplyBenchmark(), new WorkflowBenchmark(), new ComputeBenchmark(), new GenerateCommand()];

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine("usage: baton-bench <command> [--option value]...");
    Console.WriteLine();
    foreach (var command in commands)
    {
        Console.WriteLine($"  {command.Name,-10} {command.Summary}");
    }

    return args.Length == 0 ? 2 : 0;
}

var selected = Array.Find(commands, c => c.Name == args[0]);
if (selected is null)
{
    Console.Error.WriteLine($"unknown command '{args[0]}'; run with --help for the list");
    return 2;
}

try
{
    return selected.Run(BenchmarkArguments.Parse(args.AsSpan(1)), Console.Out);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
