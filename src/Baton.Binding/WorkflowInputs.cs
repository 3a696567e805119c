using System.Collections.Immutable;
using Baton.Diagnostics;
using Baton.Expressions;
using Baton.Spec.Declarations;
using Baton.Spec;
using Baton.Values;

namespace Baton.Binding;

/// <summary>Gives a workflow run its inputs: the same conversion, defaults and validation rules as stack variables.</summary>
public static class WorkflowInputs
{
    /// <summary>The inputs of a run of <paramref name="workflow"/> from <paramref name="given"/>; errors name the input.</summary>
    public static ImmutableSortedDictionary<string, Value> Bind(WorkflowSpec workflow, IReadOnlyList<VariableInput> given, IExpressionHost host, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        return VariableBinder.Bind(workflow.Inputs, given, host, new BindOptions { RequireAllVariables = true }, diagnostics, "input");
    }
}
