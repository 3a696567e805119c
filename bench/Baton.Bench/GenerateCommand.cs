using System.Globalization;

namespace Baton.Bench;

/// <summary>
/// Writes one generated DAG as a Baton stack and as a Terraform configuration, for timing the two tools on the same
/// graph (<c>bench/run-vs-terraform.sh</c>).
/// </summary>
internal sealed class GenerateCommand : IBenchmarkCommand
{
    public string Name => "generate";

    public string Summary => "write the DAG as a Baton stack and as Terraform terraform_data resources (--resources 1000 --max-deps 3 --seed 42 --baton DIR --terraform DIR)";

    public int Run(BenchmarkArguments arguments, TextWriter output)
    {
        var resources = arguments.Int("resources", 1_000, 1);
        var maxDeps = arguments.Int("max-deps", 3, 0);
        var seed = arguments.Int("seed", 42, 0);
        var baton = arguments.Text("baton", string.Empty);
        var terraform = arguments.Text("terraform", string.Empty);
        arguments.RejectUnknown();

        var dag = BenchDag.Generate(resources, maxDeps, seed);
        if (baton.Length > 0)
        {
            Directory.CreateDirectory(baton);
            File.WriteAllText(Path.Combine(baton, "baton.yaml"), dag.ToBatonYaml());
        }

        if (terraform.Length > 0)
        {
            Directory.CreateDirectory(terraform);
            File.WriteAllText(Path.Combine(terraform, "main.tf"), dag.ToTerraformHcl());
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{resources:N0} resources, {dag.EdgeCount:N0} edges, seed {seed}"));
        return 0;
    }
}
