using Baton.Expressions;

namespace Baton.Spec.Declarations;

/// <summary>The action that undoes a completed step when its run fails later (a saga).</summary>
public sealed record CompensateSpec(NameReference Uses, Expression? With);
