using System.Collections.Immutable;
using Baton.Replicas;
using Baton.Values;

namespace Baton.Providers.Process;

/// <summary>The inputs of a <c>process.service</c>, checked: the command and where it runs, and the shared replica settings. Unknown values (at plan time) are skipped, not errors.</summary>
internal sealed record ServiceSpec
{
    public ImmutableArray<string> Command { get; init; } = [];

    public ImmutableSortedDictionary<string, string> Env { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    public string? WorkingDir { get; init; }

    /// <summary>What every replicated service takes: replicas, port, health, rollout, restart, stop.</summary>
    public ReplicaSettings Settings { get; init; } = new();

    /// <summary>Reads <paramref name="inputs"/>; the errors say what is wrong, in the user's terms.</summary>
    public static ServiceSpec Read(Value inputs, List<string> errors)
    {
        var spec = new ServiceSpec();
        if (inputs.Kind != ValueKind.Map)
        {
            errors.Add("the inputs must be a map");
            return spec;
        }

        var map = inputs.AsMap();
        Value? Get(string name) => map.TryGetValue(name, out var value) && value.Kind != ValueKind.Null ? value : null;

        spec = spec with
        {
            Command = CommandInputs.ReadArgv(Get("command"), "command", required: true, errors),
            Env = CommandInputs.ReadEnv(Get("env"), "env", errors),
        };

        if (Get("working_dir") is { IsKnown: true } workingDir)
        {
            if (workingDir.Kind == ValueKind.String)
            {
                spec = spec with { WorkingDir = workingDir.AsString() };
            }
            else
            {
                errors.Add("working_dir must be a string");
            }
        }

        return spec with { Settings = ReplicaSettings.Read(inputs, errors) };
    }
}
