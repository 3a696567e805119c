using System.Text.Json;

namespace Baton.Cli.Tests;

public sealed class CommandTests
{
    private static readonly string Examples = RepositoryPaths.Examples;

    private static readonly string Golden = Path.Combine(RepositoryPaths.Root, "tests", "Baton.Cli.Tests", "Golden");

    [Fact]
    public void Validate_Quickstart_SucceedsAndSummarises()
    {
        var result = CliRunner.Run(Examples, "validate", "quickstart");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        Assert.Equal("Stack \"quickstart\" is valid: 8 resources (10 instances), 1 workflow, 1 policy.\n", result.Out.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Validate_WorkersVariable_ChangesTheInstanceCount()
    {
        var result = CliRunner.Run(Examples, "validate", "quickstart", "--var", "workers=5");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("(12 instances)", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_VarOverridesEnvironment_LastValueWins()
    {
        var environment = new Dictionary<string, string> { ["BATON_VAR_workers"] = "7" };

        var fromEnvironment = CliRunner.Run(Examples, environment, "validate", "quickstart");
        var fromOption = CliRunner.Run(Examples, environment, "validate", "quickstart", "--var", "workers=2", "--var", "workers=4");

        Assert.Contains("(14 instances)", fromEnvironment.Out, StringComparison.Ordinal);
        Assert.Contains("(11 instances)", fromOption.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_VarFile_SitsBetweenEnvironmentAndVarOption()
    {
        var directory = Directory.CreateTempSubdirectory("baton-cli-");
        try
        {
            var file = Path.Combine(directory.FullName, "vars.yaml");
            File.WriteAllText(file, "workers: 6\n");
            var environment = new Dictionary<string, string> { ["BATON_VAR_workers"] = "9" };

            var fileOverEnvironment = CliRunner.Run(Examples, environment, "validate", "quickstart", "--var-file", file);
            var optionOverFile = CliRunner.Run(Examples, environment, "validate", "quickstart", "--var-file", file, "--var", "workers=1");

            Assert.Contains("(13 instances)", fileOverEnvironment.Out, StringComparison.Ordinal);
            Assert.Contains("(8 instances)", optionOverFile.Out, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Validate_InvalidVariableValue_FailsValidationRule()
    {
        var result = CliRunner.Run(Examples, "validate", "quickstart", "--var", "workers=50");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error[BT5003]: variable \"workers\" is not valid: workers must be between 1 and 20", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Json_PrintsMachineReadableDiagnostics()
    {
        var root = Path.Combine(Golden, "broken");

        var result = CliRunner.Run(root, "validate", "08-unknown-resource-reference", "--json");

        Assert.Equal(1, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var diagnostic = Assert.Single(json.RootElement.GetProperty("diagnostics").EnumerateArray());
        Assert.Equal("error", diagnostic.GetProperty("severity").GetString());
        Assert.Equal("BT3001", diagnostic.GetProperty("code").GetString());
        Assert.Equal("08-unknown-resource-reference/baton.yaml", diagnostic.GetProperty("file").GetString());
        Assert.Equal(8, diagnostic.GetProperty("line").GetInt32());
        Assert.Equal(24, diagnostic.GetProperty("column").GetInt32());
        Assert.Equal("did you mean \"db\"?", diagnostic.GetProperty("help").GetString());
        Assert.Equal(1, json.RootElement.GetProperty("errors").GetInt32());
    }

    [Fact]
    public void Validate_ColourTerminal_ColoursAndPlainOutputDoesNot()
    {
        var root = Path.Combine(Golden, "broken");
        using var plainOut = new StringWriter();
        using var plainError = new StringWriter();
        using var colourOut = new StringWriter();
        using var colourError = new StringWriter();
        var plain = new CliContext { Out = plainOut, Error = plainError, Environment = new Dictionary<string, string>(), WorkingDirectory = root };
        var colour = plain with { Out = colourOut, Error = colourError, ErrorColor = true, OutColor = true };

        BatonCli.Run(["validate", "08-unknown-resource-reference"], plain);
        BatonCli.Run(["validate", "08-unknown-resource-reference"], colour);

        Assert.DoesNotContain("\u001b[", plainError.ToString(), StringComparison.Ordinal);
        Assert.Contains("\u001b[", colourError.ToString(), StringComparison.Ordinal);
        Assert.Contains("unknown resource \"dbb\"", colourError.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, false, true)]
    [InlineData("1", false, false)]
    [InlineData(null, true, false)]
    public void ColourChoice_HonoursNoColorAndRedirection(string? noColor, bool redirected, bool expected)
    {
        var environment = new Dictionary<string, string>();
        if (noColor is not null)
        {
            environment["NO_COLOR"] = noColor;
        }

        Assert.Equal(expected, CliContext.WantsColour(environment, redirected));
    }

    [Fact]
    public void Graph_Quickstart_PrintsGoldenDot() => AssertGraph("dot", "quickstart.dot");

    [Fact]
    public void Graph_Quickstart_PrintsGoldenMermaid() => AssertGraph("mermaid", "quickstart.mmd");

    [Fact]
    public void Graph_Full_KeepsEdgesTheReductionDrops()
    {
        var reduced = CliRunner.Run(Examples, "graph", "quickstart");
        var full = CliRunner.Run(Examples, "graph", "quickstart", "--full");

        // database → app_config is implied by database → workers → balancer → app_config.
        Assert.DoesNotContain("n1 -> n8;", reduced.Out, StringComparison.Ordinal);
        Assert.Contains("n1 -> n8;", full.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Graph_OutputFile_WritesTheSameTextAsStandardOutput()
    {
        var directory = Directory.CreateTempSubdirectory("baton-cli-");
        try
        {
            var file = Path.Combine(directory.FullName, "graph.mmd");
            var toFile = CliRunner.Run(Examples, "graph", "quickstart", "--format", "mermaid", "--output", file);
            var toStdout = CliRunner.Run(Examples, "graph", "quickstart", "--format", "mermaid");

            Assert.Equal(0, toFile.ExitCode);
            Assert.Equal(string.Empty, toFile.Out);
            Assert.Equal(toStdout.Out, File.ReadAllText(file));
            Assert.Single(Directory.GetFiles(directory.FullName));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Graph_BrokenStack_FailsWithDiagnosticsAndNoGraph()
    {
        var result = CliRunner.Run(Path.Combine(Golden, "broken"), "graph", "14-cycle");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(string.Empty, result.Out);
        Assert.Contains("dependency cycle: a → c → b → a", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Graph_UnknownFormat_IsAUsageError()
    {
        var result = CliRunner.Run(Examples, "graph", "quickstart", "--format", "svg");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("svg", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Schema_PrintsAJsonSchemaOfEveryTopLevelKey()
    {
        var result = CliRunner.Run(Examples, "schema");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var properties = json.RootElement.GetProperty("properties");
        foreach (var key in new[] { "stack", "description", "variables", "providers", "resources", "outputs", "workflows", "policies" })
        {
            Assert.True(properties.TryGetProperty(key, out _), $"schema lacks {key}");
        }

        Assert.False(json.RootElement.GetProperty("additionalProperties").GetBoolean());
    }

    [Fact]
    public void Help_DocumentsEveryCommand()
    {
        var result = CliRunner.Run(Examples, "--help");

        Assert.Equal(0, result.ExitCode);
        foreach (var command in new[] { "validate", "graph", "schema" })
        {
            Assert.Contains(command, result.Out, StringComparison.Ordinal);
            var help = CliRunner.Run(Examples, command, "--help");
            Assert.Equal(0, help.ExitCode);
            Assert.Contains("Usage:", help.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Version_PrintsTheVersion()
    {
        var result = CliRunner.Run(Examples, "--version");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("0.1.0", result.Out, StringComparison.Ordinal);
    }

    private static void AssertGraph(string format, string goldenName)
    {
        var result = CliRunner.Run(Examples, "graph", "quickstart", "--format", format);
        var golden = Path.Combine(Golden, "graph", goldenName);
        if (Environment.GetEnvironmentVariable("BATON_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(golden, result.Out);
        }

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(File.ReadAllText(golden), result.Out);
    }
}
