using System.Collections.Immutable;

namespace Baton.Expressions;

/// <summary>
/// Finds the references in an expression, which both read values and order the graph. Each chain of attribute and
/// index steps on a root identifier is one reference, as long as it goes (<c>web[count.index].name</c> is
/// <c>web</c>, a dynamic index, <c>.name</c>; and <c>count.index</c> is a reference of its own).
/// </summary>
public static class References
{
    /// <summary>
    /// Every reference in <paramref name="expression"/>, in source order, including those in arguments, templates, keys,
    /// splats, conditions and the bodies of <c>%{ for }</c> directives. A loop's variables are locals of its body, not
    /// references: in <c>%{ for h in var.hosts }${h.name}%{ endfor }</c> the one reference is <c>var.hosts</c>.
    /// </summary>
    public static IEnumerable<Reference> Of(Expression expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var found = new List<Reference>();
        Collect(expression, found, []);
        return found;
    }

    /// <summary>The reference that <paramref name="expression"/> is as a whole, if it is a root with steps.</summary>
    public static bool TryGetReference(Expression expression, out Reference reference)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var steps = new List<Traversal>();
        var current = expression;
        while (true)
        {
            switch (current)
            {
                case VariableExpression variable:
                    steps.Reverse();
                    reference = new Reference(variable.Name, [.. steps], expression.Span) { RootSpan = variable.Span };
                    return true;
                case GetAttrExpression getAttr:
                    steps.Add(new AttributeTraversal(getAttr.Name));
                    current = getAttr.Target;
                    break;
                case IndexExpression index:
                    steps.Add(index.Key is LiteralExpression { Value.IsKnown: true, Value.Kind: not (Values.ValueKind.List or Values.ValueKind.Map or Values.ValueKind.Null) } literal
                        ? new IndexTraversal(literal.Value)
                        : new DynamicIndexTraversal(index.Key));
                    current = index.Target;
                    break;
                case SplatExpression splat:
                    for (var i = splat.Steps.Length - 1; i >= 0; i--)
                    {
                        steps.Add(splat.Steps[i]);
                    }

                    steps.Add(SplatTraversal.Instance);
                    current = splat.Target;
                    break;
                default:
                    reference = null!;
                    return false;
            }
        }
    }

    /// <summary>Collects the references of <paramref name="expression"/> whose roots are not among the <paramref name="locals"/> in scope.</summary>
    private static void Collect(Expression expression, List<Reference> found, ImmutableHashSet<string> locals)
    {
        if (expression is VariableExpression or GetAttrExpression or IndexExpression or SplatExpression
            && TryGetReference(expression, out var reference))
        {
            if (!locals.Contains(reference.Root))
            {
                found.Add(reference);
            }

            foreach (var step in reference.Steps)
            {
                if (step is DynamicIndexTraversal dynamic)
                {
                    Collect(dynamic.Key, found, locals);
                }
            }

            return;
        }

        if (expression is ForTemplateExpression loop)
        {
            Collect(loop.Collection, found, locals);
            var inner = locals.Add(loop.ValueName);
            inner = loop.KeyName is null ? inner : inner.Add(loop.KeyName);
            foreach (var part in loop.Body)
            {
                Collect(part, found, inner);
            }

            return;
        }

        foreach (var child in Syntax.Children(expression))
        {
            Collect(child, found, locals);
        }
    }
}
