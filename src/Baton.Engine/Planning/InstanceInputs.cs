using Baton.Binding;
using Baton.Diagnostics;
using Baton.Expressions;
using Baton.Values;

namespace Baton.Engine.Planning;

/// <summary>
/// The inputs of one resource instance: its properties evaluated in its scope, and, for an instance of a resource
/// with <c>hosts:</c>, the input <c>host</c> set to the name of the host it runs on, which the provider finds in its
/// inventory.
/// </summary>
internal static class InstanceInputs
{
    /// <summary>The input that names the host an instance of a resource with <c>hosts:</c> runs on.</summary>
    public const string HostInput = "host";

    public static Value Evaluate(ResourceInstance instance, IEvaluationScope scope, DiagnosticBag diagnostics)
    {
        var inputs = instance.Resource.Properties is null ? Value.EmptyMap : Evaluator.Evaluate(instance.Resource.Properties, scope, diagnostics);
        if (instance.Resource.Hosts.IsEmpty || instance.Address.Key?.Text is not { } host || inputs.Kind != ValueKind.Map)
        {
            return inputs;
        }

        return Value.Map(inputs.AsMap().SetItem(HostInput, Value.String(host)));
    }
}
