using Baton.Values;

namespace Baton.Providers.Sim;

/// <summary>The schema of the sim family.</summary>
internal static class SimSchema
{
    public const string ResourceType = "sim.resource";
    public const string ActionName = "sim.action";
    public const string SignalName = "sim.signal";

    public static ResourceTypeSchema Resource { get; } = new()
    {
        Type = ResourceType,
        Description = "An object in the simulated cloud; its output is its input.",
        Attributes =
        [
            AttributeSchema.Input("input", BatonType.Any, "Any value; the object's output echoes it."),
            AttributeSchema.Input("latency", BatonType.Any, "How long each call takes: a duration such as \"150ms\", or { min, max } for a uniform draw.") with { Default = Value.String("0ms") },
            AttributeSchema.Input("fail_rate", BatonType.Number, "The probability (0..1) that a call fails with a transient error.") with { Default = Value.Number(0) },
            AttributeSchema.Input("throttle_rate", BatonType.Number, "The probability (0..1) that a call is throttled, with a retry-after.") with { Default = Value.Number(0) },
            AttributeSchema.Input("fail_permanently", BatonType.Bool, "Whether create and update fail with a permanent error.") with { Default = Value.False },
            AttributeSchema.Input("input_forces_replace", BatonType.Bool, "Whether a change of input replaces the object rather than updating it.") with { Default = Value.False },
            AttributeSchema.Output("id", BatonType.String, "The object's id in the simulated cloud."),
            AttributeSchema.Output("output", BatonType.Any, "The input, as the cloud reports it back."),
            AttributeSchema.Output("output_hash", BatonType.String, "The SHA-256 (hex) of the input's JSON."),
        ],
    };

    public static ActionSchema Action { get; } = new()
    {
        Name = ActionName,
        Description = "Waits, may fail, and echoes its output input.",
        Inputs =
        [
            AttributeSchema.Input("latency", BatonType.Any, "How long the action takes: a duration, or { min, max }."),
            AttributeSchema.Input("fail_rate", BatonType.Number, "The probability (0..1) of a transient failure.") with { Default = Value.Number(0) },
            AttributeSchema.Input("output", BatonType.Any, "The value to echo."),
        ],
        Outputs = [AttributeSchema.Output("output", BatonType.Any, "The output input.")],
    };

    public static ActionSchema Signal { get; } = new()
    {
        Name = SignalName,
        Description = "Signals an object, the verb of a notification (notifies: [{ signal: other }]): logged in the world, with the latency and failures of its knobs.",
        Inputs =
        [
            AttributeSchema.Input("latency", BatonType.Any, "How long the signal takes: a duration, or { min, max }."),
            AttributeSchema.Input("fail_rate", BatonType.Number, "The probability (0..1) of a transient failure.") with { Default = Value.Number(0) },
            AttributeSchema.Input("fail_permanently", BatonType.Bool, "Whether the signal fails with a permanent error.") with { Default = Value.False },
        ],
    };

    public static ProviderSchema Provider { get; } = new()
    {
        Family = "sim",
        Description = "A simulated cloud with latency, failures, throttling, eventual consistency and an inspectable ground truth.",
        Configuration =
        [
            AttributeSchema.Input("world", BatonType.String, "The world database, relative to the stack directory (default: sim-world.db in the state directory)."),
            AttributeSchema.Input("seed", BatonType.Int, "Seeds the random draws (latency, failures) so runs repeat; random when left out."),
            AttributeSchema.Input("durability", BatonType.String, "\"fast\" (survives a killed process, not power loss) or \"full\" (fsync per write).") with { Default = Value.String("fast") },
            AttributeSchema.Input("read_after_write_delay", BatonType.String, "For this long after a write, reads see the version before it.") with { Default = Value.String("0ms") },
            AttributeSchema.Input("retry_after", BatonType.String, "The retry-after a throttled call asks for.") with { Default = Value.String("1s") },
        ],
        ResourceTypes = [Resource],
        Actions = [Action, Signal],
    };
}
