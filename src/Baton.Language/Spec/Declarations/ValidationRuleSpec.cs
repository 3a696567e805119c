using Baton.Expressions;

namespace Baton.Spec.Declarations;

/// <summary>A rule a variable's value must satisfy: a condition, and the message shown when it is false.</summary>
public sealed record ValidationRuleSpec(Expression Condition, string Message);
