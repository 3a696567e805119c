using System.Collections.Immutable;

namespace Baton.Expressions;

/// <summary>
/// Compares expression trees by structure, ignoring source spans, so that a tree parsed from printed text equals
/// the original. Literal values compare as <see cref="Baton.Values.Value"/>s do (ignoring the sensitive mark).
/// </summary>
public sealed class ExpressionComparer : IEqualityComparer<Expression>
{
    private ExpressionComparer()
    {
    }

    /// <summary>The one instance.</summary>
    public static ExpressionComparer Instance { get; } = new();

    /// <inheritdoc />
    public bool Equals(Expression? x, Expression? y)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }

        if (x is null || y is null || x.GetType() != y.GetType())
        {
            return false;
        }

        return (x, y) switch
        {
            (LiteralExpression a, LiteralExpression b) => a.Value.Equals(b.Value),
            (TemplateExpression a, TemplateExpression b) => SequenceEquals(a.Parts, b.Parts),
            (ForTemplateExpression a, ForTemplateExpression b) =>
                a.KeyName == b.KeyName && a.ValueName == b.ValueName && Equals(a.Collection, b.Collection) && SequenceEquals(a.Body, b.Body),
            (IfTemplateExpression a, IfTemplateExpression b) =>
                Equals(a.Condition, b.Condition) && SequenceEquals(a.Then, b.Then) && SequenceEquals(a.Else, b.Else),
            (VariableExpression a, VariableExpression b) => a.Name == b.Name,
            (GetAttrExpression a, GetAttrExpression b) => a.Name == b.Name && Equals(a.Target, b.Target),
            (IndexExpression a, IndexExpression b) => Equals(a.Target, b.Target) && Equals(a.Key, b.Key),
            (SplatExpression a, SplatExpression b) => Equals(a.Target, b.Target) && StepsEqual(a.Steps, b.Steps),
            (FunctionCallExpression a, FunctionCallExpression b) => a.Name == b.Name && SequenceEquals(a.Arguments, b.Arguments),
            (UnaryExpression a, UnaryExpression b) => a.Operator == b.Operator && Equals(a.Operand, b.Operand),
            (BinaryExpression a, BinaryExpression b) => a.Operator == b.Operator && Equals(a.Left, b.Left) && Equals(a.Right, b.Right),
            (ConditionalExpression a, ConditionalExpression b) =>
                Equals(a.Condition, b.Condition) && Equals(a.TrueResult, b.TrueResult) && Equals(a.FalseResult, b.FalseResult),
            (ListExpression a, ListExpression b) => SequenceEquals(a.Items, b.Items),
            (MapExpression a, MapExpression b) => a.Entries.Length == b.Entries.Length
                && a.Entries.Zip(b.Entries).All(p => Equals(p.First.Key, p.Second.Key) && Equals(p.First.Value, p.Second.Value)),
            _ => false,
        };
    }

    /// <summary>Whether two traversal steps are equal, comparing dynamic keys by structure.</summary>
    public bool StepEquals(Traversal x, Traversal y) => (x, y) switch
    {
        (DynamicIndexTraversal a, DynamicIndexTraversal b) => Equals(a.Key, b.Key),
        _ => x.Equals(y),
    };

    /// <inheritdoc />
    public int GetHashCode(Expression obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return obj switch
        {
            LiteralExpression l => HashCode.Combine(1, l.Value),
            VariableExpression v => HashCode.Combine(2, v.Name),
            GetAttrExpression g => HashCode.Combine(3, g.Name, GetHashCode(g.Target)),
            FunctionCallExpression f => HashCode.Combine(4, f.Name, f.Arguments.Length),
            UnaryExpression u => HashCode.Combine(5, u.Operator, GetHashCode(u.Operand)),
            BinaryExpression b => HashCode.Combine(6, b.Operator, GetHashCode(b.Left)),
            _ => obj.GetType().GetHashCode(),
        };
    }

    private bool SequenceEquals(ImmutableArray<Expression> x, ImmutableArray<Expression> y) =>
        x.Length == y.Length && x.Zip(y).All(p => Equals(p.First, p.Second));

    private bool StepsEqual(ImmutableArray<Traversal> x, ImmutableArray<Traversal> y) =>
        x.Length == y.Length && x.Zip(y).All(p => StepEquals(p.First, p.Second));
}
