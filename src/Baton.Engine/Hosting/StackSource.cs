using Baton.Diagnostics;
using Baton.Engine.Planning;
using Baton.Engine.Providers;
using Baton.Binding;
using Baton.Spec;

namespace Baton.Engine.Hosting;

/// <summary>
/// Where a stack comes from and the variable values it is bound with: its directory, the environment, variable files
/// and <c>name=value</c> assignments. Loading reads the files afresh each time, so the CLI and a long-running control
/// plane (which reloads after an edit) bind a stack the same way.
/// </summary>
public sealed record StackSource
{
    /// <summary>The stack directory (absolute).</summary>
    public required string Directory { get; init; }

    /// <summary>How diagnostics name the directory (the path as the user gave it).</summary>
    public string? DisplayPath { get; init; }

    /// <summary>Environment variables (<c>BATON_VAR_*</c> set variables).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Variable files, absolute, in order (later files win).</summary>
    public IReadOnlyList<string> VariableFiles { get; init; } = [];

    /// <summary>How each variable file is named in diagnostics (same order as <see cref="VariableFiles"/>).</summary>
    public IReadOnlyList<string>? VariableFileNames { get; init; }

    /// <summary><c>name=value</c> assignments, in order (the last wins; they win over files).</summary>
    public IReadOnlyList<string> Assignments { get; init; } = [];

    /// <summary>Loads and binds the stack; the result holds whatever could be built, and the diagnostics say what went wrong.</summary>
    /// <param name="options">How to bind.</param>
    /// <param name="overrides">Values that win over all others (a workflow step's <c>stack.apply</c> variables).</param>
    public LoadedStack Load(BindOptions options, IEnumerable<VariableInput>? overrides = null)
    {
        var diagnostics = new DiagnosticBag();
        var spec = StackLoader.Load(Directory, DisplayPath ?? Directory, diagnostics);
        if (spec is null)
        {
            return new LoadedStack(null, null, diagnostics);
        }

        // Precedence, lowest first: environment, files in order, assignments in order, then overrides.
        var inputs = new List<VariableInput>(VariableInputs.FromEnvironment(Environment));
        for (var i = 0; i < VariableFiles.Count; i++)
        {
            var name = VariableFileNames is { } names && i < names.Count ? names[i] : VariableFiles[i];
            inputs.AddRange(VariableInputs.FromFile(VariableFiles[i], name, diagnostics));
        }

        foreach (var assignment in Assignments)
        {
            if (VariableInputs.FromAssignment(assignment, diagnostics) is { } input)
            {
                inputs.Add(input);
            }
        }

        inputs.AddRange(overrides ?? []);
        var bound = StackBinder.Bind(spec, inputs, new StackFileHost(Directory), options, diagnostics);
        return new LoadedStack(spec, bound, diagnostics);
    }

    /// <summary>
    /// Loads, binds and checks the stack, the providers' schemas included; <see cref="LoadedStack.IsUsable"/> says whether
    /// it can be planned.
    /// </summary>
    public LoadedStack LoadChecked(ProviderRegistry registry, BindOptions options, IEnumerable<VariableInput>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var loaded = Load(options, overrides);
        if (loaded.Spec is { } spec && !loaded.Diagnostics.HasErrors)
        {
            ProviderSchemaChecker.Check(spec, registry, loaded.Diagnostics);
        }

        return loaded;
    }
}
