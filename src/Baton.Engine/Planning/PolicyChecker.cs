using Baton.Diagnostics;
using Baton.Expressions;
using Baton.Binding;
using Baton.Plans;
using Baton.Spec.Declarations;
using Baton.Values;

namespace Baton.Engine.Planning;

/// <summary>
/// Evaluates the stack's policies against every resource a plan creates, updates or replaces. A failed <c>deny</c>
/// policy is an error naming the policy and the resource; a failed <c>warn</c> policy is a warning. A policy whose
/// outcome depends on values known only after apply is not decided.
/// </summary>
internal static class PolicyChecker
{
    public static void Check(BoundStack stack, Plan plan, Value variables, IExpressionHost host, DiagnosticBag diagnostics)
    {
        if (stack.Spec.Policies.IsEmpty)
        {
            return;
        }

        foreach (var change in plan.Changes)
        {
            if (change.Action is ChangeAction.Delete || change.Inputs is null)
            {
                continue;
            }

            var bracket = change.Address.IndexOf('[', StringComparison.Ordinal);
            var resource = Value.Map(
            [
                KeyValuePair.Create("address", Value.String(change.Address)),
                KeyValuePair.Create("name", Value.String(bracket < 0 ? change.Address : change.Address[..bracket])),
                KeyValuePair.Create("type", Value.String(change.Type)),
                KeyValuePair.Create("provider", Value.String(change.Provider)),
                KeyValuePair.Create("properties", change.Inputs),
            ]);
            var scope = new EvaluationScope(new Dictionary<string, Value>(StringComparer.Ordinal) { ["resource"] = resource, ["var"] = variables }, host);
            foreach (var policy in stack.Spec.Policies)
            {
                Check(policy, change.Address, scope, diagnostics);
            }
        }
    }

    private static void Check(PolicySpec policy, string address, EvaluationScope scope, DiagnosticBag diagnostics)
    {
        if (policy.When is { } when)
        {
            var applies = Evaluator.Evaluate(when, scope, diagnostics);
            if (applies.Kind != ValueKind.Bool || !applies.AsBool())
            {
                return;
            }
        }

        var holds = Evaluator.Evaluate(policy.Require, scope, diagnostics);
        if (holds.Kind != ValueKind.Bool || holds.AsBool())
        {
            return;
        }

        diagnostics.Add(new Diagnostic
        {
            Severity = policy.Enforcement == PolicyEnforcement.Deny ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
            Code = DiagnosticCodes.PolicyDenied,
            Message = $"policy \"{policy.Name}\" {(policy.Enforcement == PolicyEnforcement.Deny ? "denies" : "warns about")} {address}: {policy.Message ?? policy.Description ?? "its requirement does not hold"}",
            Span = policy.NameSpan,
            Subject = address,
        });
    }
}
